/**
 * The generation loop: prefill the prompt once, then feed one token at a time with the KV cache.
 * The loop yields to the worker's event loop between steps so an abort arrives at once.
 */
import type { StopReason } from '../core/protocol';
import { PromptTooLongError } from '../core/errors';
import { sampleNextToken, type SamplingSettings } from './sampling';
import type { Rng } from '../core/rng';

/** What the loop needs of a model: `DecoderSession` in the app, a scripted fake in unit tests. */
export interface StepModel<Cache extends { length: number; dispose(): void }> {
  newCache(): Cache;
  /** Runs `ids` after what the cache holds and returns the last position's logits. */
  forward(ids: number[], cache: Cache): Promise<Float32Array>;
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
}

export interface LoopResult {
  tokenIds: number[];
  reason: StopReason;
  timing: StepTiming | null;
}

export async function runGenerationLoop<Cache extends { length: number; dispose(): void }>(
  decoder: StepModel<Cache>,
  promptIds: readonly number[], options: LoopOptions): Promise<LoopResult> {
  const now = options.now ?? (() => performance.now());
  if (promptIds.length > options.contextLength) throw new PromptTooLongError(promptIds.length, options.contextLength);
  const eos = new Set(options.eosIds);
  const startedAt = now();
  const seen = [...promptIds];
  const tokenIds: number[] = [];
  const cache = decoder.newCache();
  let timing: StepTiming | null = null;
  let firstTokenAt: number | null = null;
  let reason: StopReason = 'max-tokens';
  try {
    let input: number[] = [...promptIds];
    while (tokenIds.length < options.maxNewTokens) {
      if (options.isAborted()) {
        reason = 'aborted';
        break;
      }
      const logits = await decoder.forward(input, cache);
      const id = sampleNextToken(logits, options.sampling, options.rng, seen);
      const at = now();
      tokenIds.push(id);
      seen.push(id);
      firstTokenAt ??= at;
      timing = { startedAt, firstTokenAt, at, count: tokenIds.length };
      if (eos.has(id)) {
        reason = 'eos';
        break;
      }
      if (options.onToken(id, timing)) {
        reason = 'stop-string';
        break;
      }
      if (tokenIds.length >= options.maxNewTokens) break;
      if (cache.length + 1 > options.contextLength) {
        reason = 'context';
        break;
      }
      input = [id];
      await options.yieldToEvents();
    }
  } finally {
    cache.dispose();
  }
  return { tokenIds, reason, timing };
}
