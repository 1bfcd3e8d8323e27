/**
 * The softmax of a whole vocabulary, walked largest first without sorting it: what the sampler draws
 * from when top-k is off (plain temperature, top-p). One pass over the logits applies the temperature
 * in place and sums each bucket's probability; a draw or a top-p cut then sorts only the one bucket it
 * lands in, so a walk over the tokens largest first costs what a full sort would give, at a fraction.
 *
 * Buckets have a fixed width (1/64 nat) and are counted down from an anchor a little above the
 * maximum, so the one pass needs no maximum first: the anchor is guessed from a sample of the logits
 * before the pass, and a pass that finds a logit above it (rare: a far-outlying favourite) is redone
 * from the maximum it found. Nothing here allocates after the first step of a vocabulary size.
 */

/** Bucket width: within a bucket exp's 5th-order Taylor series is off by < (1/64)^6 / 720 ≈ 2e-14 of itself. */
const PER_NAT = 64;
/**
 * The anchor is this far above the sampled maximum. Tokens down to twice this below the anchor are
 * summed (so everything within SPAN_NATS of the true maximum, wherever it lies in that headroom); a
 * token further below the maximum has p < e^-64 < 2e-28: even millions of them move the denominator
 * by less than 1e-21 of itself. They still sort last, in the last bucket, and can still be drawn.
 */
const SPAN_NATS = 64;
const BUCKETS = 2 * SPAN_NATS * PER_NAT;
/** Logits read (evenly spread) to guess the maximum before the pass. */
const SAMPLE = 1024;
/** exp(-b / PER_NAT): each bucket's upper edge below the anchor, computed once. */
const EDGE = Float64Array.from({ length: BUCKETS }, (_, b) => Math.exp(-b / PER_NAT));

/**
 * The bucket of value `v` below `anchor`, clamped to those that hold mass. A function of its own, not a
 * closure in `pass`: a closure over the pass's locals makes V8 keep them in a heap context, read from
 * there in the hot loop. With the temperature's own loop, `prepare` at 262,144 tokens went from 3.6 to
 * 2.5 ms at t = 1 and from 4.0 to 3.0 ms at t = 0.7 (fastest of three interleaved runs, Node 20, idle VM).
 */
function bucketBelow(anchor: number, v: number): number {
  return Math.max(0, Math.min(BUCKETS - 2, Math.floor((anchor - v) * PER_NAT)));
}

/** Where a walk over the tokens, largest first, stopped. */
export interface Landing {
  /** The token, or -1 when the walk ran out of tokens (rounding at the very end). */
  id: number;
  /** Probability mass from the first token up to and including this one. */
  mass: number;
}

export class SoftmaxBuckets {
  /** Probability of each bucket (tokens within 1/64 nat of each other, counted down from the anchor). */
  private readonly bucketMass = new Float64Array(BUCKETS);
  /** Each token's bucket this step, so that gathering a bucket's tokens is a pass over small integers. */
  private tokenBucket = new Uint16Array(0);
  /** Token ids of some buckets, largest first; sized to the vocabulary once. */
  order = new Int32Array(0);
  /** The anchor (every probability is exp(logit - anchor) / sum) and the softmax denominator. */
  private anchor = 0;
  private sum = 1;
  /** The largest value of the last pass. */
  private max = 0;
  /** The buckets that hold mass this step (walks start at `lo`; the last bucket holds what is left out). */
  private lo = 0;
  private hi = 0;
  /** Which buckets `order` holds now, so that a cut and a draw landing in the same bucket sort it once. */
  private collected: { first: number; last: number; count: number } | null = null;

  /**
   * Temperature in place (each value rounded to float32 as the array stores it: the stored value is the
   * one every later pass sees), and each bucket's probability, in one pass over the logits.
   *
   * The masses need no Math.exp per token (~20 ns each, 5+ ms at 262k tokens): within bucket b, whose
   * upper edge lies b/64 nats below the anchor, exp(-d) = exp(-b/64) · exp(x) with x = b/64 - d in
   * (-1/64, 0], and exp(x) is its Taylor series to the 5th power. So the denominator matches a plain
   * sum of exponentials to ~1e-14: a draw can differ from a full-sort sampler's only where it lands
   * within that of a boundary between two tokens.
   */
  prepare(logits: Float32Array, temperature: number): void {
    const n = logits.length;
    if (this.tokenBucket.length < n) this.tokenBucket = new Uint16Array(n);
    const t = temperature;
    let guess = -Infinity;
    const stride = Math.max(1, Math.floor(n / SAMPLE));
    for (let i = 0; i < n; i += stride) guess = Math.max(guess, t === 1 ? logits[i] : Math.fround(logits[i] / t));
    // A sample of every logit is the maximum itself: no headroom needed.
    this.pass(logits, t, stride === 1 ? guess : guess + SPAN_NATS);
    // A logit above the anchor, or all far below it (a sample of -Infinity): redo from the maximum,
    // on the values already scaled.
    if (!(this.max <= this.anchor && this.max >= this.anchor - SPAN_NATS)) this.pass(logits, 1, this.max);
    let sum = 0;
    const masses = this.bucketMass;
    for (let b = this.lo; b <= this.hi; b++) {
      masses[b] *= EDGE[b];
      sum += masses[b];
    }
    for (let b = this.lo; b <= this.hi; b++) masses[b] /= sum;
    this.sum = sum;
    this.collected = null;
  }

  /**
   * One pass: temperature `t` in place, buckets counted down from `anchor`, and the largest and
   * smallest value (which bound the buckets it wrote, the only ones the next pass has to clear).
   */
  private pass(logits: Float32Array, t: number, anchor: number): void {
    // All-equal or non-finite logits: any finite anchor works; NaN and -Infinity go to the last bucket.
    this.anchor = Number.isFinite(anchor) ? anchor : 0;
    const top = this.anchor;
    const masses = this.bucketMass;
    masses.fill(0, this.lo, this.hi + 1);
    const tokenBucket = this.tokenBucket;
    const last = BUCKETS - 1;
    const n = logits.length;
    // The temperature in a loop of its own keeps the loop below free of a branch and a reassigned value,
    // which V8 compiles tighter (with bucketBelow: see there). Storing into the Float32Array rounds to
    // float32, so each later pass reads the very values Math.fround gave before.
    if (t !== 1) for (let i = 0; i < n; i++) logits[i] = logits[i] / t;
    let max = -Infinity;
    let min = Infinity;
    // Locals only: this loop is the step's main cost.
    for (let i = 0; i < n; i++) {
      const v = logits[i];
      if (v > max) max = v;
      if (v < min) min = v;
      const d = top - v;
      const q = d * PER_NAT;
      // d ≥ 0 below the anchor, so truncation is floor; NaN and anything past the span go to the last
      // bucket, left out of the sum. Above the anchor (d < 0) the pass is redone, so what it adds is moot.
      const b = q < last ? (q > 0 ? q | 0 : 0) : last;
      tokenBucket[i] = b;
      if (b === last) continue;
      const x = b / PER_NAT - d;
      masses[b] += 1 + x * (1 + x * (0.5 + x * (1 / 6 + x * (1 / 24 + x / 120))));
    }
    this.max = max;
    // The buckets written: from the largest value's to the smallest's (the bucket is monotone in the value).
    this.lo = max >= min ? bucketBelow(top, max) : 0;
    this.hi = max >= min ? bucketBelow(top, min) : 0;
  }

  /** The probability of a token this step (its logit as `prepare` left it). */
  probability(logits: Float32Array, id: number): number {
    return Math.exp(logits[id] - this.anchor) / this.sum;
  }

  /** The bucket a token fell in this step. */
  bucketOf(id: number): number {
    return this.tokenBucket[id];
  }

  /**
   * Where a draw ends if rounding leaves it a hair short of the last token: the smallest token that can
   * still be drawn (ties: the highest index, where a stable full sort ends). Almost never needed.
   */
  lastDrawable(logits: Float32Array): number {
    let last = 0;
    let lastValue = Infinity;
    for (let i = 0; i < logits.length; i++) {
      if (Math.exp(logits[i] - this.anchor) > 0 && logits[i] <= lastValue) {
        lastValue = logits[i];
        last = i;
      }
    }
    return last;
  }

  /** The tokens of buckets first..lastBucket into `order`, largest first (ties by index, as a stable sort). */
  collect(logits: Float32Array, first: number, lastBucket: number): number {
    const done = this.collected;
    if (done && done.first === first && done.last === lastBucket) return done.count;
    if (this.order.length < logits.length) this.order = new Int32Array(logits.length);
    const order = this.order;
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

  /** Tokens in the buckets down to `id`'s, largest first, ending with `id` (or all of them: id -1). */
  tokensThrough(logits: Float32Array, id: number): number[] {
    const count = this.collect(logits, this.lo, id >= 0 ? this.tokenBucket[id] : BUCKETS - 1);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(this.order[i]);
      if (this.order[i] === id) break;
    }
    return ids;
  }

  /**
   * Walks the tokens largest first, spending `target` on their probabilities divided by `mass`, and
   * returns the token where it runs out: in a draw (`inclusive` false) where the rest drops below 0, as
   * `r -= p` does over a full sort; for the top-p cut (`inclusive`) where the running mass reaches the
   * target. Buckets it passes whole cost one subtraction each; only the bucket it lands in is sorted.
   * The walk ends after `stopAt` (the last token of a nucleus); `id` is -1 if it ends without landing.
   */
  walk(logits: Float32Array, target: number, mass: number, inclusive = false, stopAt = -1): Landing {
    const stopBucket = stopAt >= 0 ? this.tokenBucket[stopAt] : BUCKETS;
    // Both running sums are kept exactly as the full-sort sampler kept them (`mass += p`, `r -= p`).
    let spent = 0;
    let remaining = target;
    const tolerance = 1e-9 * target;
    const end = Math.min(stopBucket, BUCKETS - 1);
    for (let b = this.lo; b <= end; b++) {
      // Between the last bucket with mass and the last bucket (the tail left out of the sum) all are empty.
      if (b > this.hi && b < end) b = end;
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
