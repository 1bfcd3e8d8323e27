/**
 * Prompt-lookup speculative decoding: draft tokens are copied from the context itself (the prompt and
 * the reply so far) where its last few tokens occurred before, and the model checks them all in one
 * call of several positions. A reply that quotes, edits or repeats its prompt gets several tokens per
 * call; the rest costs one call per token, as plain decoding does.
 *
 * Exact, for every sampling setting: each position's token is drawn with the sampler exactly as plain
 * decoding draws it (same logits, same random number, same repetition-penalty context), and a draft
 * token counts as accepted only if the draw gave that very token. That is the speculative-sampling
 * rule for a draft that proposes one token with certainty: accepted with its probability p(x) under the
 * sampling distribution, and on rejection the draw is one from the remainder, renormalised. So the
 * reply is the one plain decoding gives for the same seed; the call count is all that changes.
 */
import type { Sampler, StepLogits } from './sampling';
import type { Rng } from '../core/rng';

/** The longest and shortest run of last tokens looked up in the context (longer first: better drafts). */
const MAX_NGRAM = 3;
const MIN_NGRAM = 2;
/** Draft length bounds: it grows by 2 after a fully accepted draft and shrinks by 1 after a rejection. */
export const MAX_DRAFT = 10;
const MIN_DRAFT = 2;

/**
 * The tokens that followed the most recent earlier occurrence of the context's last n tokens (n from
 * MAX_NGRAM down to MIN_NGRAM), at most `limit` of them; empty where nothing matches.
 */
export function lookupDraft(context: readonly number[], limit: number): number[] {
  const end = context.length;
  if (limit <= 0) return [];
  for (let n = Math.min(MAX_NGRAM, end - 1); n >= MIN_NGRAM; n--) {
    // Most recent first: a reply copying a passage is best continued where it copies from now.
    for (let start = end - n - 1; start >= 0; start--) {
      let matches = true;
      for (let i = 0; i < n; i++) {
        if (context[start + i] !== context[end - n + i]) {
          matches = false;
          break;
        }
      }
      if (matches) return context.slice(start + n, Math.min(start + n + limit, end));
    }
  }
  return [];
}

/** What prompt lookup did in one generation: the chat shows tokens per call, the benchmark the rates. */
export interface PromptLookupStats {
  /** Model calls that verified a draft (prefill and plain steps not counted). */
  verifyCalls: number;
  /** Draft tokens proposed, and those the model's own draws agreed with. */
  drafted: number;
  accepted: number;
  /** Every model call of the reply (prefill, plain steps, verifications): tokens per call = tokens ÷ this. */
  calls: number;
}

export function emptyPromptLookupStats(): PromptLookupStats {
  return { verifyCalls: 0, drafted: 0, accepted: 0, calls: 0 };
}

/** Most plain steps in a row without a draft, after drafts rejected whole (the pause doubles up to this). */
const MAX_PAUSE = 16;

/**
 * How many draft tokens to ask for next: more while drafts are accepted whole, fewer after a rejection,
 * and none for a few steps after a draft rejected whole (a reply that does not copy pays for verifying
 * drafts and cutting them from the cache: the pause doubles while that goes on, and ends at an acceptance).
 */
export class DraftLength {
  private current = 4;
  private pause = 0;
  private nextPause = 1;

  /** The draft length for this step: 0 while paused. */
  take(): number {
    if (this.pause > 0) {
      this.pause--;
      return 0;
    }
    return this.current;
  }

  update(drafted: number, accepted: number): void {
    if (drafted === 0) return;
    if (accepted === 0) {
      this.pause = this.nextPause;
      this.nextPause = Math.min(MAX_PAUSE, this.nextPause * 2);
    } else {
      this.nextPause = 1;
    }
    this.current = accepted === drafted ? Math.min(MAX_DRAFT, this.current + 2) : Math.max(MIN_DRAFT, this.current - 1);
  }
}

/**
 * Draws a token from each verified position in turn, as plain decoding would, and stops at the first
 * draw that differs from the draft (that draw is kept: it is the token plain decoding gives there), at
 * an end token, or after the position past the last draft token. Returns the tokens drawn, in order;
 * the first `length - 1` of them are the accepted draft tokens.
 *
 * `rows[j]` are the logits after the draft's first j tokens (rows.length === draft.length + 1). Each
 * draw is observed by the sampler before the next, as plain decoding observes each new token.
 */
export function drawThroughDraft(rows: readonly StepLogits[], draft: readonly number[], sampler: Sampler, rng: Rng, isEnd: (id: number) => boolean): number[] {
  const drawn: number[] = [];
  for (let j = 0; j < rows.length; j++) {
    const id = sampler.next(rows[j], rng);
    sampler.observe(id);
    drawn.push(id);
    if (j >= draft.length || id !== draft[j] || isEnd(id)) break;
  }
  return drawn;
}
