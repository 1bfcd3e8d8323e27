/**
 * The softmax of a whole vocabulary, walked largest first without sorting it: what the sampler draws
 * from when top-k is off (plain temperature, top-p). One pass over the logits applies the temperature
 * in place and sums each bucket's probability; a draw or a top-p cut then sorts only the bucket it lands
 * in (or a small nucleus whole), gathered from a list of the tokens near the maximum that the pass kept
 * (or, where the landing is further down, by a scan of the vocabulary): a walk over the tokens largest
 * first gives what a full sort would, at a fraction of its cost.
 *
 * Buckets have a fixed width (1/64 nat) and are counted down from an anchor a little above the
 * maximum, so the one pass needs no maximum first: the anchor is guessed from a sample of the logits
 * before the pass, and a pass that finds a logit above it (rare: a far-outlying favourite) is redone
 * from the maximum it found. Nothing here allocates a vocabulary-sized array after the first step of a
 * vocabulary size.
 */

/** Bucket width: within a bucket exp's 4th-order Taylor series is off by < (1/64)^5 / 120 ≈ 8e-12 of itself. */
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
/**
 * The pass also lists the tokens within NEAR_NATS of the largest value (up to NEAR_CAP of them): where a
 * walk lands (most draws, most nuclei) it gathers from that list instead of scanning the vocabulary.
 */
const NEAR_NATS = 8;
const NEAR_CAP = 16384;
/** A nucleus of at most this many tokens is gathered and sorted whole by the top-p cut (see `walk`). */
const GATHER_WHOLE_NUCLEUS = 2048;
/** exp(-b / PER_NAT): each bucket's upper edge below the anchor, computed once. */
const EDGE = Float64Array.from({ length: BUCKETS }, (_, b) => Math.exp(-b / PER_NAT));

const LAST = BUCKETS - 1;

/**
 * The bucket of value `v` below `anchor`, computed exactly as `pass` computes it (so a token is gathered
 * from the bucket whose mass counted it): d ≥ 0 below the anchor, where truncation is floor; NaN and
 * anything past the span go to the last bucket, left out of the sum; at or above the anchor, bucket 0.
 * A function of its own, not a closure: a closure over a hot loop's locals makes V8 keep them in a heap
 * context, read from there in the loop.
 */
function bucketOf(anchor: number, v: number): number {
  const q = (anchor - v) * PER_NAT;
  return q < LAST ? (q > 0 ? q | 0 : 0) : LAST;
}

/** The largest of every `stride`-th logit divided by `t` and rounded to float32 (as the pass stores it). */
function scaledMax(logits: Float32Array, t: number, stride: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i += stride) {
    const v = t === 1 ? logits[i] : Math.fround(logits[i] / t);
    if (v > max) max = v;
  }
  return max;
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
  /** Token ids of some buckets, largest first; sized to the vocabulary once. */
  order = new Int32Array(0);
  /** The anchor (every probability is exp(logit - anchor) / sum) and the softmax denominator. */
  private anchor = 0;
  private sum = 1;
  /** The buckets that hold mass this step (walks start at `lo`; the last bucket holds what is left out). */
  private lo = 0;
  private hi = 0;
  /** Which buckets `order` holds now (first -1: none this step), so that a draw landing inside the buckets
   * a cut gathered needs no gather of its own. */
  private collectedFirst = -1;
  private collectedLast = -1;
  private collectedCount = 0;
  /** The tokens of the buckets the last `collect` asked for: `order[gatheredStart..gatheredEnd)`. */
  private gatheredStart = 0;
  private gatheredEnd = 0;
  /** Tokens that were within NEAR_NATS of the running maximum when the pass read them (index order). */
  private readonly near = new Int32Array(NEAR_CAP);
  /** How many are listed (NEAR_CAP + 1: more did not fit, so the list is not used) and the value above
   * which every token is listed (the maximum less NEAR_NATS). */
  private nearCount = 0;
  private nearFloor = Infinity;

  /**
   * Temperature in place (each value rounded to float32 as the array stores it: the stored value is the
   * one every later pass sees), and each bucket's probability, in one pass over the logits.
   *
   * The masses need no Math.exp per token (~20 ns each, 5+ ms at 262k tokens): within bucket b, whose
   * upper edge lies b/64 nats below the anchor, exp(-d) = exp(-b/64) · exp(x) with x = b/64 - d in
   * (-1/64, 0], and exp(x) is its Taylor series to the 4th power. So the denominator matches a plain
   * sum of exponentials to ~1e-11, inside the walk's 1e-9 margin: a draw can differ from a full-sort
   * sampler's only where it lands within that of a boundary between two tokens. (The 5th-order term
   * cost a division per token for accuracy no draw can see.)
   */
  prepare(logits: Float32Array, temperature: number): void {
    const n = logits.length;
    const t = temperature;
    const stride = Math.max(1, Math.floor(n / SAMPLE));
    let guess = scaledMax(logits, t, stride);
    // A sample of every logit is the maximum itself: no headroom needed. A sample without a finite value
    // (all -Infinity or NaN) says nothing: then the maximum is found first, so that the anchor is never
    // more than the span above it.
    let headroom = stride === 1 ? 0 : SPAN_NATS;
    if (headroom > 0 && !(guess > -Infinity)) {
      guess = scaledMax(logits, t, 1);
      headroom = 0;
    }
    const above = this.pass(logits, t, guess + headroom);
    // A logit above the anchor (a far-outlying favourite): redo from it, the maximum, on the values
    // already scaled.
    if (above > this.anchor) this.pass(logits, 1, above);
    let sum = 0;
    const masses = this.bucketMass;
    for (let b = this.lo; b <= this.hi; b++) {
      masses[b] *= EDGE[b];
      sum += masses[b];
    }
    for (let b = this.lo; b <= this.hi; b++) masses[b] /= sum;
    this.sum = sum;
    this.collectedFirst = -1;
  }

  /**
   * One pass: temperature `t` in place and buckets counted down from `anchor`. Returns the largest value
   * at or above the anchor (-Infinity if none), which the caller redoes the pass from if it is above.
   *
   * The loop does little beyond the sum: no running minimum, no per-token bucket kept (a gather
   * recomputes a token's bucket from its value, `bucketOf`), and the list of near tokens costs a compare
   * per token. The temperature has a loop of its own: a branch and a reassigned value in the main loop
   * compile worse in V8.
   */
  private pass(logits: Float32Array, t: number, anchor: number): number {
    // All-equal or non-finite logits: any finite anchor works; NaN and -Infinity go to the last bucket.
    this.anchor = Number.isFinite(anchor) ? anchor : 0;
    const top = this.anchor;
    const masses = this.bucketMass;
    masses.fill(0, this.lo, this.hi + 1);
    const n = logits.length;
    // Storing into the Float32Array rounds to float32, so each later pass reads the very values
    // Math.fround gave the sample before.
    if (t !== 1) for (let i = 0; i < n; i++) logits[i] = logits[i] / t;
    let above = -Infinity;
    const near = this.near;
    let nearCount = 0;
    let nearMax = -Infinity;
    let nearFloor = -Infinity;
    // Locals only: this loop is the step's main cost. Its bucket is `bucketOf`'s, spelled out.
    for (let i = 0; i < n; i++) {
      const v = logits[i];
      // Rarely true once the running maximum has settled: a compare per token, and a write for the few.
      if (v > nearFloor) {
        if (nearCount < NEAR_CAP) near[nearCount++] = i;
        else nearCount = NEAR_CAP + 1;
        if (v > nearMax) {
          nearMax = v;
          nearFloor = v - NEAR_NATS;
        }
      }
      const d = top - v;
      const q = d * PER_NAT;
      if (!(q < LAST)) continue; // NaN or past the span: the last bucket, left out of the sum
      let b = 0;
      if (q > 0) b = q | 0;
      else if (v > above) above = v; // at or above the anchor: moot if above, as the pass is then redone
      const x = b / PER_NAT - d;
      masses[b] += 1 + x * (1 + x * (0.5 + x * (1 / 6 + x * (1 / 24))));
    }
    // The buckets written: every one a token fell in holds mass (exp > 0.98 of its edge's), so the first
    // and the last non-zero ones bound what the next pass has to clear and the walks have to visit.
    let lo = 0;
    while (lo < LAST && masses[lo] === 0) lo++;
    let hi = LAST - 1;
    while (hi > lo && masses[hi] === 0) hi--;
    this.lo = lo < LAST ? lo : 0;
    this.hi = lo < LAST ? hi : 0;
    this.nearCount = nearCount;
    this.nearFloor = nearCount <= NEAR_CAP ? nearFloor : Infinity;
    return above;
  }

  /** The probability of a token this step (its logit as `prepare` left it). */
  probability(logits: Float32Array, id: number): number {
    return Math.exp(logits[id] - this.anchor) / this.sum;
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

  /**
   * The tokens of buckets first..lastBucket, largest first (ties by index, as a stable sort), as
   * `order[gatheredStart..gatheredEnd)`. One gather takes the buckets `from..lastBucket` (from ≤ first: a
   * wider gather serves a later walk over buckets inside it with no gather of its own) and sorts them:
   * from the pass's list of near tokens where the range lies above its floor, else by a scan of the
   * vocabulary. The scan compares each value with bounds a bucket wider than the range on both sides, and computes
   * the exact bucket only for the values between them: a bucket's tokens are a range of values, and
   * rounding moves a bound by far less than a bucket. The tail bucket (NaN too) is gathered exactly.
   */
  collect(logits: Float32Array, first: number, lastBucket: number, from = first): void {
    const top = this.anchor;
    if (!(this.collectedFirst >= 0 && this.collectedFirst <= first && lastBucket <= this.collectedLast)) {
      if (this.order.length < logits.length) this.order = new Int32Array(logits.length);
      const order = this.order;
      const upper = from > 0 ? top - (from - 1) / PER_NAT : Infinity;
      const lower = lastBucket < LAST ? top - (lastBucket + 2) / PER_NAT : -Infinity;
      const tail = lastBucket === LAST;
      let count = 0;
      if (lower > this.nearFloor) {
        // Every token of the range lies above the listed floor, so the list holds them all.
        for (let k = 0; k < this.nearCount; k++) {
          const i = this.near[k];
          const b = bucketOf(top, logits[i]);
          if (b >= from && b <= lastBucket) order[count++] = i;
        }
      } else {
        for (let i = 0; i < logits.length; i++) {
          const v = logits[i];
          if (!tail && !(v <= upper && v >= lower)) continue;
          const b = bucketOf(top, v);
          if (b >= from && b <= lastBucket) order[count++] = i;
        }
      }
      order.subarray(0, count).sort((a, b) => logits[b] - logits[a] || a - b);
      this.collectedFirst = from;
      this.collectedLast = lastBucket;
      this.collectedCount = count;
    }
    // Largest first, so the buckets run in order along `order`.
    const count = this.collectedCount;
    let start = 0;
    while (start < count && bucketOf(top, logits[this.order[start]]) < first) start++;
    let end = start;
    while (end < count && bucketOf(top, logits[this.order[end]]) <= lastBucket) end++;
    this.gatheredStart = start;
    this.gatheredEnd = end;
  }

  /**
   * About how many tokens buckets first..last hold: a bucket's summed exp(x) is its count to within
   * 1.6 % (each term lies in (e^-1/64, 1]), and `prepare` scaled it by the bucket's edge and the sum.
   */
  private tokensIn(first: number, last: number): number {
    let count = 0;
    for (let b = first; b <= last; b++) count += (this.bucketMass[b] * this.sum) / EDGE[b];
    return count;
  }

  /** Tokens in the buckets down to `id`'s, largest first, ending with `id` (or all of them: id -1). */
  tokensThrough(logits: Float32Array, id: number): number[] {
    this.collect(logits, this.lo, id >= 0 ? bucketOf(this.anchor, logits[id]) : LAST);
    const ids: number[] = [];
    for (let i = this.gatheredStart; i < this.gatheredEnd; i++) {
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
    const stopBucket = stopAt >= 0 ? bucketOf(this.anchor, logits[stopAt]) : BUCKETS;
    // Both running sums are kept exactly as the full-sort sampler kept them (`mass += p`, `r -= p`).
    let spent = 0;
    let remaining = target;
    const tolerance = 1e-9 * target;
    const end = Math.min(stopBucket, LAST);
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
      // A top-p cut is followed by a draw inside the nucleus: where the nucleus holds few tokens, gather
      // it whole now, so the draw finds its bucket gathered instead of scanning the vocabulary again.
      const from = inclusive && this.tokensIn(this.lo, last) <= GATHER_WHOLE_NUCLEUS ? this.lo : b;
      this.collect(logits, b, last, from);
      for (let i = this.gatheredStart; i < this.gatheredEnd; i++) {
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
