/**
 * The generation loop: prefill the prompt once, then feed one token at a time with the KV cache.
 * The loop yields to the worker's event loop between steps so an abort arrives at once.
 * A chat keeps the cache of the previous turn: when the new prompt starts with exactly the tokens that
 * cache holds, only the rest is prefilled.
 * With prompt lookup (src/engine/prompt-lookup.ts) a call may also carry draft tokens copied from the
 * context; the tokens it yields go through the same checks one by one, so every reply ends exactly
 * where plain decoding ends it, and the cache is cut back to the tokens plain decoding would have fed.
 */
import type { StopReason } from '../core/protocol';
import { PromptTooLongError } from '../core/errors';
import { Sampler, type DrawRequest, type DrawnToken, type SamplingSettings, type StepLogits } from './sampling';
import type { Rng } from '../core/rng';
import { DraftLength, drawThroughDraft, emptyPromptLookupStats, lookupDraft, type PromptLookupStats } from './prompt-lookup';

/** What the loop needs of a cache: `KvCache` in the app. */
export interface LoopCache {
  length: number;
  dispose(): void;
  /** Drops every position from `length` on (rejected draft tokens); prompt lookup needs it. */
  truncate?(length: number): void | Promise<void>;
}

/** What the loop needs of a model: `DecoderSession` in the app, a scripted fake in unit tests. */
export interface StepModel<Cache extends LoopCache> {
  newCache(): Cache;
  /**
   * Runs `ids` after what the cache holds and returns the last position's logits. `top`: the sampler
   * needs only that many of the largest (`Sampler.topNeeded`), so the model may give just those.
   * `draw`: the model may instead draw the token itself (on the GPU) and return only its id.
   */
  forward(ids: number[], cache: Cache, top?: number | null, draw?: DrawRequest): Promise<StepLogits | DrawnToken>;
  /** As `forward`, returning the whole-vocabulary logits of the last `rows` positions; prompt lookup needs it. */
  forwardRows?(ids: number[], cache: Cache, rows: number): Promise<StepLogits[]>;
  /** The most rows `forwardRows` can return at once (absent: no limit); drafts stay within it. */
  readonly maxRowsPerCall?: number;
}

/** A cache and exactly the tokens it holds (`cache.length === ids.length`), kept from an earlier generation. */
export interface CachedContext<Cache> {
  cache: Cache;
  ids: readonly number[];
}

export interface LoopOptions {
  sampling: SamplingSettings;
  maxNewTokens: number;
  contextLength: number;
  eosIds: readonly number[];
  rng: Rng;
  isAborted: () => boolean;
  /** Called with each new token; returning true stops generation (a stop string was seen). */
  onToken: (id: number, timing: StepTiming) => boolean;
  /** Lets queued messages (abort) run; called between steps. */
  yieldToEvents: () => Promise<void>;
  now?: () => number;
  /** Return the cache (with the tokens fed through it) instead of disposing it, for the next turn. */
  keepCache?: boolean;
  /** Prompt-lookup speculative decoding (the same tokens, fewer calls); used where the model and cache allow it. */
  promptLookup?: boolean;
}

export interface StepTiming {
  /** When the loop started, on the `now` clock. */
  startedAt: number;
  /** When the first token was sampled. */
  firstTokenAt: number;
  /** When this token was sampled. */
  at: number;
  /** Tokens generated so far, this one included. */
  count: number;
  /** Prompt tokens that were in the reused cache already, so not prefilled. */
  reusedTokens: number;
}

export interface LoopResult<Cache = unknown> {
  tokenIds: number[];
  reason: StopReason;
  timing: StepTiming | null;
  /** Prompt tokens that were already in the reused cache and not prefilled again. */
  reusedTokens: number;
  /** With `keepCache`: the cache and the tokens fed through it (the last sampled token never is). */
  context: CachedContext<Cache> | null;
  /** Model calls and draft tokens; `calls` counts every call, with prompt lookup on or off. */
  promptLookup: PromptLookupStats;
}

/** True when `ids` starts with the whole of `prefix` and goes on past it (something new to feed). */
function extends_(ids: readonly number[], prefix: readonly number[]): boolean {
  if (prefix.length >= ids.length) return false;
  for (let i = 0; i < prefix.length; i++) if (ids[i] !== prefix[i]) return false;
  return true;
}

/**
 * Generates after `promptIds`. `previous` is handed over: its cache is reused when the prompt extends
 * the tokens it holds (edited history, a changed system prompt or a template that rewrites earlier
 * turns do not), and disposed otherwise.
 */
export async function runGenerationLoop<Cache extends LoopCache>(
  decoder: StepModel<Cache>,
  promptIds: readonly number[], options: LoopOptions, previous: CachedContext<Cache> | null = null): Promise<LoopResult<Cache>> {
  const now = options.now ?? (() => performance.now());
  const reuse = previous !== null && previous.cache.length === previous.ids.length && extends_(promptIds, previous.ids);
  if (previous && !reuse) previous.cache.dispose();
  if (promptIds.length > options.contextLength) {
    if (reuse) previous.cache.dispose();
    throw new PromptTooLongError(promptIds.length, options.contextLength);
  }
  const eos = new Set(options.eosIds);
  const startedAt = now();
  const sampler = new Sampler(options.sampling);
  sampler.observe(promptIds);
  const tokenIds: number[] = [];
  const cache = reuse ? previous.cache : decoder.newCache();
  const reusedTokens = reuse ? previous.ids.length : 0;
  /** Exactly the tokens the cache holds. */
  const fed: number[] = reuse ? [...previous.ids] : [];
  let timing: StepTiming | null = null;
  let firstTokenAt: number | null = null;
  let reason: StopReason = 'max-tokens';
  let keep = false;
  const lookup = emptyPromptLookupStats();
  const speculate = options.promptLookup === true && decoder.forwardRows !== undefined && cache.truncate !== undefined;
  const draftLength = new DraftLength();
  /** The prompt and the reply so far: where drafts are looked up. */
  const context = [...promptIds];
  try {
    let input: number[] = promptIds.slice(reusedTokens);
    generating: while (tokenIds.length < options.maxNewTokens) {
      if (options.isAborted()) {
        reason = 'aborted';
        break;
      }
      // A draft leaves room for the token after it, within max new tokens and within the context.
      const room = Math.min(options.maxNewTokens - tokenIds.length - 1, options.contextLength - cache.length - input.length);
      const draft = speculate ? lookupDraft(context, Math.min(draftLength.take(), room, (decoder.maxRowsPerCall ?? Infinity) - 1)) : [];
      let drawn: number[];
      lookup.calls++;
      if (draft.length > 0) {
        const rows = await decoder.forwardRows!([...input, ...draft], cache, draft.length + 1);
        drawn = drawThroughDraft(rows, draft, sampler, options.rng, (id) => eos.has(id));
        lookup.verifyCalls++;
        lookup.drafted += draft.length;
        lookup.accepted += drawn.length - 1;
        draftLength.update(draft.length, drawn.length - 1);
      } else {
        const request = sampler.drawRequest(options.rng);
        const logits = await decoder.forward(input, cache, sampler.topNeeded, request);
        drawn = [sampler.next(logits, request.replay)];
        sampler.observe(drawn[0]);
      }
      for (const id of input) fed.push(id);
      // Each drawn token in turn, with plain decoding's checks; the one before it was fed as a draft.
      for (let i = 0; i < drawn.length; i++) {
        if (i > 0) {
          fed.push(drawn[i - 1]);
          if (options.isAborted()) {
            reason = 'aborted';
            break generating;
          }
        }
        const id = drawn[i];
        const at = now();
        tokenIds.push(id);
        context.push(id);
        firstTokenAt ??= at;
        timing = { startedAt, firstTokenAt, at, count: tokenIds.length, reusedTokens };
        if (eos.has(id)) {
          reason = 'eos';
          break generating;
        }
        if (options.onToken(id, timing)) {
          reason = 'stop-string';
          break generating;
        }
        if (tokenIds.length >= options.maxNewTokens) break generating;
        if (fed.length + 1 > options.contextLength) {
          reason = 'context';
          break generating;
        }
      }
      input = [drawn[drawn.length - 1]];
      // Rejected draft tokens leave the cache: it holds exactly the tokens fed.
      if (cache.length > fed.length) await cache.truncate!(fed.length);
      await options.yieldToEvents();
    }
    // A reply that ended among drawn tokens leaves their drafts in the cache: cut it back to what was fed.
    if (options.keepCache && cache.length > fed.length) await cache.truncate!(fed.length);
    keep = options.keepCache === true;
  } finally {
    // On any error the cache may hold a half-fed step: never keep it.
    if (!keep) cache.dispose();
  }
  return { tokenIds, reason, timing, reusedTokens, context: keep ? { cache, ids: fed } : null, promptLookup: lookup };
}
