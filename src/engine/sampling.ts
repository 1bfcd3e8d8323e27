/**
 * Turning logits into the next token: greedy, temperature, top-k, top-p and repetition penalty.
 * Everything is seeded so a run can be reproduced exactly.
 *
 * A step hands over either the whole vocabulary's logits or, where the settings need no more (see
 * `Sampler.topNeeded`), only the k largest (`TopLogits`, picked on the GPU by src/engine/gpu-pick.ts).
 * Both go through the same top-k code below, so a seed gives the same tokens either way.
 *
 * With 150k–262k vocabularies this runs once per token, so it works as llama2.c's sampler does: one
 * `Sampler` per generation holds every buffer it needs, temperature and penalty are applied to the logits
 * in place, and only the few tokens that can matter are ever sorted. Draws walk the candidates largest
 * first, as a full sort would, so a seed gives the same tokens as the plain full-sort sampler did.
 * With top-k off the whole vocabulary's softmax is walked through src/engine/softmax-buckets.ts: one
 * pass over the logits, then a sort of the one bucket a draw lands in.
 */
import { topKInto } from '../core/top-k';
import { SoftmaxBuckets } from './softmax-buckets';
import type { Rng } from '../core/rng';

export interface SamplingSettings {
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > bestValue) {
      bestValue = values[i];
      best = i;
    }
  }
  return best;
}

/**
 * The `count` largest logits of one position, largest first, ties to the lowest id (the order
 * `topKInto` gives): what a step reads back from the GPU instead of the whole vocabulary.
 */
export interface TopLogits {
  readonly ids: ArrayLike<number>;
  /** The raw logits of those ids (no temperature, no penalty). */
  readonly values: ArrayLike<number>;
  readonly count: number;
  /** The whole vocabulary's size. */
  readonly vocab: number;
}

/** What one step gives the sampler: every logit of the last position, or only the largest few. */
export type StepLogits = Float32Array | TopLogits;

/**
 * What a step needs to draw its token on the GPU (src/engine/gpu-sampler.ts) instead of handing
 * logits back: the settings, the tokens the penalty looks at, and the draw's random number, spent
 * before the step so that the GPU and the CPU draw with the same one.
 */
export interface DrawRequest {
  readonly settings: SamplingSettings;
  /** Each token seen once, in the order seen; the same array grows over one generation. */
  readonly seen: readonly number[];
  /** The draw's uniform number in [0, 1); 0 for greedy, which spends none. */
  readonly r: number;
  /** Gives `r` to the CPU draw of the same step where the GPU could not serve it: one random number a draw either way. */
  readonly replay: Rng;
}

/** A step whose token was drawn on the GPU. */
export interface DrawnToken {
  readonly drawn: number;
}

/** Candidates largest first, with the probabilities the sampler draws them with. */
export interface Candidates {
  ids: number[];
  probs: number[];
}

export class Sampler {
  /** seenFlags[id] = 1 once `id` is in the context; seenIds lists each such id once, for the penalty. */
  private seenFlags = new Uint8Array(0);
  private readonly seenIds: number[] = [];
  /** The top-k candidates' ids, largest first (a heap while they are picked); sized to k once. */
  private order = new Int32Array(0);
  /** The top-k candidates' logits, in the order of their ids in `order`; temperature applied in place. */
  private candidateValues = new Float32Array(0);
  /** The top-k candidates' largest scaled logit and softmax denominator. */
  private max = 0;
  private sum = 1;
  /** The whole vocabulary's softmax, for draws with top-k off. */
  private readonly buckets = new SoftmaxBuckets();

  constructor(private readonly settings: SamplingSettings) {}

  /** Adds tokens to the context the repetition penalty looks at (the prompt, then each new token). */
  observe(ids: number | Iterable<number>): void {
    if (typeof ids === 'number') this.observeOne(ids);
    else for (const id of ids) this.observeOne(id);
  }

  private observeOne(id: number): void {
    if (!(id >= 0) || !Number.isInteger(id)) return;
    if (id >= this.seenFlags.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.seenFlags.length * 2, 1024));
      grown.set(this.seenFlags);
      this.seenFlags = grown;
    }
    if (this.seenFlags[id]) return;
    this.seenFlags[id] = 1;
    this.seenIds.push(id);
  }

  /**
   * Picks the next token. Mutates `logits`: the repetition penalty and the temperature are applied in
   * place, so no step copies the vocabulary (the caller's logits are not needed afterwards).
   * The draw walks the tokens largest first, as a full sort would, spending one random number.
   */
  next(logits: StepLogits | DrawnToken, rng: Rng): number {
    if ('drawn' in logits) return logits.drawn;
    if (!(logits instanceof Float32Array)) return this.nextFromTop(logits, rng);
    this.applyPenalty(logits);
    if (this.settings.temperature <= 0) return argmax(logits);
    const nucleus = this.nucleus;
    if (this.usesTopK(logits)) {
      this.selectTopK(logits, this.settings.topK);
      return this.drawCandidate(this.cutCandidates(this.settings.topK, nucleus), rng);
    }
    const buckets = this.buckets;
    buckets.prepare(logits, this.settings.temperature);
    if (nucleus === null) {
      const landing = buckets.walk(logits, rng(), 1);
      return landing.id >= 0 ? landing.id : buckets.lastDrawable(logits);
    }
    // Top-p: the smallest prefix reaching topP, then a draw within it, renormalised.
    const cut = buckets.walk(logits, nucleus, 1, true);
    if (cut.id < 0) {
      // Rounding kept the running mass a hair under topP: the nucleus is everything.
      const landing = buckets.walk(logits, rng(), 1);
      return landing.id >= 0 ? landing.id : buckets.lastDrawable(logits);
    }
    const landing = buckets.walk(logits, rng(), cut.mass, false, cut.id);
    return landing.id >= 0 ? landing.id : cut.id;
  }

  /**
   * How many of the largest logits the next draw needs, where that is all it needs: 1 for greedy, k for
   * top-k sampling. null where it needs the whole vocabulary: top-k off with a temperature (the draw
   * can land anywhere), or a repetition penalty (it lowers seen tokens, so one from below the k largest
   * raw logits can rise into the k largest penalised ones).
   */
  get topNeeded(): number | null {
    const { temperature, topK, repetitionPenalty } = this.settings;
    if (repetitionPenalty !== 1) return null;
    if (temperature <= 0) return 1;
    return topK > 0 && Number.isInteger(topK) ? topK : null;
  }

  /**
   * The next draw's request to a step that can draw on the GPU. Spends the draw's random number now
   * (none for greedy, as `next` does); `next(result, request.replay)` then draws with that same number
   * where the step handed logits back instead.
   */
  drawRequest(rng: Rng): DrawRequest {
    const r = this.settings.temperature > 0 ? rng() : 0;
    let spent = false;
    const replay = () => {
      if (spent) throw new Error('a draw spends one random number; this one was spent already');
      spent = true;
      return r;
    };
    return { settings: this.settings, seen: this.seenIds, r, replay };
  }

  /** `next` on the largest logits only: the same top-k path as on the whole vocabulary. */
  private nextFromTop(top: TopLogits, rng: Rng): number {
    const needed = this.topNeeded;
    if (needed === null || top.count < needed || (this.settings.temperature > 0 && needed >= top.vocab)) {
      // The step must give the whole vocabulary where topNeeded asks for it: a bug, not bad input.
      throw new Error(`a step read back ${top.count} of ${top.vocab} logits; these sampling settings need ${needed ?? 'all'}`);
    }
    if (this.settings.temperature <= 0) return top.ids[0];
    const order = this.buffer(needed);
    const values = this.candidateBuffer(needed);
    for (let i = 0; i < needed; i++) {
      order[i] = top.ids[i];
      values[i] = top.values[i];
    }
    return this.drawCandidate(this.cutCandidates(needed, this.nucleus), rng);
  }

  /**
   * The distribution `next` draws from (not for greedy), largest first. Does not touch `logits`;
   * for tests and for showing what is sampled, not for the per-token path.
   */
  distribution(logits: Float32Array): Candidates {
    const scaled = Float32Array.from(logits);
    this.applyPenalty(scaled);
    const nucleus = this.nucleus;
    if (this.usesTopK(scaled)) {
      this.selectTopK(scaled, this.settings.topK);
      const { keep, mass } = this.cutCandidates(this.settings.topK, nucleus);
      const ids = Array.from(this.order.subarray(0, keep));
      return { ids, probs: ids.map((_, i) => this.candidateProbability(i) / mass) };
    }
    const buckets = this.buckets;
    buckets.prepare(scaled, this.settings.temperature);
    const cut = nucleus === null ? null : buckets.walk(scaled, nucleus, 1, true);
    const cutId = cut && cut.id >= 0 ? cut.id : -1;
    const mass = cutId >= 0 ? cut!.mass : 1;
    const ids = buckets.tokensThrough(scaled, cutId);
    return { ids, probs: ids.map((id) => buckets.probability(scaled, id) / mass) };
  }

  /** Top-p's mass, or null where the setting leaves the nucleus off. */
  private get nucleus(): number | null {
    const { topP } = this.settings;
    return topP > 0 && topP < 1 ? topP : null;
  }

  private usesTopK(logits: Float32Array): boolean {
    const { topK } = this.settings;
    return topK > 0 && topK < logits.length;
  }

  /** CTRL-style penalty, as Hugging Face applies it: each token seen once is penalised once. */
  private applyPenalty(logits: Float32Array): void {
    const penalty = this.settings.repetitionPenalty;
    if (penalty === 1) return;
    for (const id of this.seenIds) {
      if (id >= logits.length) continue;
      const value = logits[id];
      logits[id] = value > 0 ? value / penalty : value * penalty;
    }
  }

  private buffer(size: number): Int32Array {
    if (this.order.length < size) this.order = new Int32Array(size);
    return this.order;
  }

  private candidateBuffer(size: number): Float32Array {
    if (this.candidateValues.length < size) this.candidateValues = new Float32Array(size);
    return this.candidateValues;
  }

  /**
   * The k largest logits into `order[0..k)` and their values into `candidateValues`. Chosen on the
   * logits before the temperature, as the GPU pick chooses them: the temperature only rescales the k.
   */
  private selectTopK(logits: Float32Array, k: number): void {
    const order = this.buffer(k);
    topKInto(logits, k, order);
    const values = this.candidateBuffer(k);
    for (let i = 0; i < k; i++) values[i] = logits[order[i]];
  }

  /**
   * Temperature on the k candidates (rounded to float32 as they are stored), their softmax, then the
   * smallest prefix whose mass reaches `topP` (at least one token): how many to keep and their mass.
   */
  private cutCandidates(k: number, topP: number | null): { keep: number; mass: number } {
    const values = this.candidateValues;
    const t = this.settings.temperature;
    if (t !== 1) for (let i = 0; i < k; i++) values[i] = values[i] / t;
    // Largest first, and the temperature keeps the order: the first is the maximum.
    this.max = values[0];
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.exp(values[i] - this.max);
    this.sum = sum;
    if (topP === null) return { keep: k, mass: 1 };
    let mass = 0;
    let keep = 0;
    while (keep < k && (keep === 0 || mass < topP)) mass += this.candidateProbability(keep++);
    return { keep, mass };
  }

  private candidateProbability(i: number): number {
    return Math.exp(this.candidateValues[i] - this.max) / this.sum;
  }

  /** One random number, spent over the kept candidates largest first. */
  private drawCandidate({ keep, mass }: { keep: number; mass: number }, rng: Rng): number {
    let r = rng();
    for (let i = 0; i < keep; i++) {
      r -= this.candidateProbability(i) / mass;
      if (r < 0) return this.order[i];
    }
    return this.order[keep - 1];
  }
}
