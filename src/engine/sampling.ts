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
 */
import { topKInto } from '../core/top-k';
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

/** Candidates largest first, with the probabilities the sampler draws them with. */
export interface Candidates {
  ids: number[];
  probs: number[];
}

/**
 * Tokens are grouped into this many buckets by how far below the maximum they are. One pass sums each
 * bucket's probability; a draw or a top-p cut then sorts only the bucket it lands in.
 */
const BUCKETS = 4096;
/**
 * Buckets span at most this many nats below the maximum. A token further down has p < e^-64 < 2e-28:
 * even millions of them move the softmax denominator by less than 1e-21 of itself, so they are left out
 * of it (they still sort last, in the last bucket, and can still be drawn with what they hold).
 */
const SPAN_NATS = 64;

/** Where a walk over the tokens, largest first, stopped. */
interface Landing {
  /** The token, or -1 when the walk ran out of tokens (rounding at the very end). */
  id: number;
  /** Probability mass from the first token up to and including this one. */
  mass: number;
}

export class Sampler {
  /** seenFlags[id] = 1 once `id` is in the context; seenIds lists each such id once, for the penalty. */
  private seenFlags = new Uint8Array(0);
  private readonly seenIds: number[] = [];
  /** Candidate indices (the top-k heap, or the tokens of some buckets), sized to the vocabulary once. */
  private order = new Int32Array(0);
  /** Probability of each bucket (tokens within a band of nats below the maximum). */
  private readonly bucketMass = new Float64Array(BUCKETS);
  /** The distribution of the current step: largest scaled logit, softmax denominator, buckets per nat. */
  private max = 0;
  private sum = 1;
  private scale = 0;
  /** Each token's bucket this step, so that gathering a bucket's tokens is a pass over small integers. */
  private tokenBucket = new Uint16Array(0);
  /** Buckets in use this step (fewer for a small vocabulary). */
  private buckets = BUCKETS;
  /** The top-k candidates' logits, in the order of their ids in `order`; temperature applied in place. */
  private candidateValues = new Float32Array(0);

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
  next(logits: StepLogits, rng: Rng): number {
    if (!(logits instanceof Float32Array)) return this.nextFromTop(logits, rng);
    this.applyPenalty(logits);
    if (this.settings.temperature <= 0) return argmax(logits);
    const nucleus = this.nucleus;
    if (this.usesTopK(logits)) {
      this.selectTopK(logits, this.settings.topK);
      return this.drawCandidate(this.cutCandidates(this.settings.topK, nucleus), rng);
    }
    this.prepareBuckets(logits);
    if (nucleus === null) {
      const landing = this.walk(logits, rng(), 1);
      return landing.id >= 0 ? landing.id : this.lastDrawable(logits);
    }
    // Top-p: the smallest prefix reaching topP, then a draw within it, renormalised.
    const cut = this.walk(logits, nucleus, 1, true);
    if (cut.id < 0) {
      // Rounding kept the running mass a hair under topP: the nucleus is everything.
      const landing = this.walk(logits, rng(), 1);
      return landing.id >= 0 ? landing.id : this.lastDrawable(logits);
    }
    const landing = this.walk(logits, rng(), cut.mass, false, cut.id);
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
    this.prepareBuckets(scaled);
    const cut = nucleus === null ? null : this.walk(scaled, nucleus, 1, true);
    const cutId = cut && cut.id >= 0 ? cut.id : -1;
    const mass = cutId >= 0 ? cut!.mass : 1;
    const count = this.collect(scaled, 0, cutId >= 0 ? this.tokenBucket[cutId] : this.buckets - 1);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(this.order[i]);
      if (this.order[i] === cutId) break;
    }
    return { ids, probs: ids.map((id) => this.probability(scaled, id) / mass) };
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

  private probability(logits: Float32Array, id: number): number {
    return Math.exp(logits[id] - this.max) / this.sum;
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

  /**
   * Temperature in place, then one pass for the maximum and the spread, one for each bucket's mass.
   * Bucket b holds the tokens between b and b+1 bucket widths below the maximum, so buckets in order,
   * each sorted, are the whole vocabulary largest first.
   *
   * The masses need no Math.exp per token (which would cost ~20 ns each, 5+ ms at 262k tokens): within
   * a bucket, exp(-d) = exp(-edge) · exp(x) with x = edge - d in (-width, 0], and exp(x) is its Taylor
   * series to the 5th power, off by less than width^6 / 720 < 2e-14 of itself (width ≤ 64/4096 nats).
   * So the softmax denominator matches a plain sum of exponentials to ~1e-14: a draw could differ from
   * the full-sort sampler's only where it lands within that of a boundary between two tokens.
   */
  private prepareBuckets(logits: Float32Array): void {
    const t = this.settings.temperature;
    let max = -Infinity;
    let min = Infinity;
    for (let i = 0; i < logits.length; i++) {
      // Rounded to float32 as the array stores it: the stored value is the one every later pass sees.
      const v = t === 1 ? logits[i] : Math.fround(logits[i] / t);
      logits[i] = v;
      if (v > max) max = v;
      if (v < min) min = v;
    }
    const span = Math.min(max - min, SPAN_NATS);
    // A small vocabulary gets fewer buckets, so a step costs what its vocabulary does.
    const buckets = (this.buckets = Math.min(BUCKETS, Math.max(16, logits.length >> 2)));
    this.max = max;
    this.scale = span > 0 ? buckets / span : 0;
    const width = span / buckets;
    // Buckets wider than 1/64 nat (small vocabularies) take Math.exp per token: the series would be off.
    const exact = width > 1 / 64;
    const masses = this.bucketMass.fill(0, 0, buckets);
    const scale = this.scale;
    const n = logits.length;
    if (this.tokenBucket.length < n) this.tokenBucket = new Uint16Array(n);
    const tokenBucket = this.tokenBucket;
    // Locals only: this loop is the step's main cost.
    for (let i = 0; i < n; i++) {
      const d = max - logits[i];
      const q = d * scale;
      // d ≥ 0, so truncation is floor; NaN and anything past the span go to the last bucket.
      const b = q < buckets ? q | 0 : buckets - 1;
      tokenBucket[i] = b;
      if (!(d <= SPAN_NATS)) continue;
      if (exact) {
        masses[b] += Math.exp(-d);
      } else {
        const x = b * width - d;
        masses[b] += 1 + x * (1 + x * (0.5 + x * (1 / 6 + x * (1 / 24 + x / 120))));
      }
    }
    let sum = 0;
    for (let b = 0; b < buckets; b++) {
      if (!exact) masses[b] *= Math.exp(-b * width);
      sum += masses[b];
    }
    for (let b = 0; b < buckets; b++) masses[b] /= sum;
    this.sum = sum;
    this.collected = null;
  }

  /**
   * Where a draw ends if rounding leaves it a hair short of the last token: the smallest token that can
   * still be drawn (ties: the highest index, where a stable full sort ends). Almost never needed.
   */
  private lastDrawable(logits: Float32Array): number {
    let last = 0;
    let lastValue = Infinity;
    for (let i = 0; i < logits.length; i++) {
      if (Math.exp(logits[i] - this.max) > 0 && logits[i] <= lastValue) {
        lastValue = logits[i];
        last = i;
      }
    }
    return last;
  }

  /** Which buckets `order` holds now, so that a cut and a draw landing in the same bucket sort it once. */
  private collected: { first: number; last: number; count: number } | null = null;

  /** The tokens of buckets first..lastBucket into `order`, largest first (ties by index, as a stable sort). */
  private collect(logits: Float32Array, first: number, lastBucket: number): number {
    const done = this.collected;
    if (done && done.first === first && done.last === lastBucket) return done.count;
    const order = this.buffer(logits.length);
    const tokenBucket = this.tokenBucket;
    let count = 0;
    for (let i = 0; i < logits.length; i++) {
      const b = tokenBucket[i];
      if (b >= first && b <= lastBucket) order[count++] = i;
    }
    order.subarray(0, count).sort((a, b) => logits[b] - logits[a] || a - b);
    this.collected = { first, last: lastBucket, count };
    return count;
  }

  /**
   * Walks the tokens largest first, spending `target` on their probabilities divided by `mass`, and
   * returns the token where it runs out: in a draw (`inclusive` false) where the rest drops below 0, as
   * `r -= p` does over a full sort; for the top-p cut (`inclusive`) where the running mass reaches the
   * target. Buckets it passes whole cost one subtraction each; only the bucket it lands in is sorted.
   * The walk ends after `stopAt` (the last token of a nucleus); `id` is -1 if it ends without landing.
   */
  private walk(logits: Float32Array, target: number, mass: number, inclusive = false, stopAt = -1): Landing {
    const stopBucket = stopAt >= 0 ? this.tokenBucket[stopAt] : this.buckets;
    // Both running sums are kept exactly as the full-sort sampler kept them (`mass += p`, `r -= p`).
    let spent = 0;
    let remaining = target;
    const tolerance = 1e-9 * target;
    const end = Math.min(stopBucket, this.buckets - 1);
    for (let b = 0; b <= end; b++) {
      const bucket = this.bucketMass[b] / mass;
      // Pass a bucket whole only where it certainly does not hold the landing point (room for rounding).
      if (b !== stopBucket && remaining - bucket > tolerance) {
        spent += bucket;
        remaining -= bucket;
        continue;
      }
      if (bucket === 0 && b !== stopBucket) continue;
      // Within rounding of the end, every later bucket may hold it: sort them all at once (rare).
      const last = remaining > tolerance ? b : end;
      const count = this.collect(logits, b, last);
      for (let i = 0; i < count; i++) {
        const id = this.order[i];
        const p = this.probability(logits, id) / mass;
        spent += p;
        remaining -= p;
        if (inclusive ? spent >= target : remaining < 0) return { id, mass: spent * mass };
        if (id === stopAt) return { id: -1, mass: spent * mass };
      }
      b = last;
    }
    return { id: -1, mass: spent * mass };
  }
}
