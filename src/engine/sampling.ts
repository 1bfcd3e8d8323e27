/**
 * Turning logits into the next token: greedy, temperature, top-k, top-p and repetition penalty.
 * Everything is seeded so a run can be reproduced exactly.
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

/** Candidates largest first, with the probabilities the sampler draws them with. */
export interface Candidates {
  ids: number[];
  probs: number[];
}

/** Candidates are gathered in bands this many nats wide below the maximum, until they hold enough mass. */
const BAND_NATS = 7;
/** Below e^-700 nothing is representable: a threshold under this keeps everything that can be kept. */
const LAST_THRESHOLD = -700;

/** The candidates chosen for one step, in `order[0..count)`, largest first. */
interface Selection {
  count: number;
  /** Largest scaled logit. */
  max: number;
  /** Softmax denominator: over the whole vocabulary, or over the top-k candidates. */
  sum: number;
}

export class Sampler {
  /** seenFlags[id] = 1 once `id` is in the context; seenIds lists each such id once, for the penalty. */
  private seenFlags = new Uint8Array(0);
  private readonly seenIds: number[] = [];
  /** Candidate indices (top-k heap, or tokens above a threshold), sized to the vocabulary once. */
  private order = new Int32Array(0);

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
   */
  next(logits: Float32Array, rng: Rng): number {
    this.applyPenalty(logits);
    if (this.settings.temperature <= 0) return argmax(logits);
    this.applyTemperature(logits);
    const { topK, topP } = this.settings;
    const nucleus = topP > 0 && topP < 1 ? topP : null;
    if (topK > 0 && topK < logits.length) {
      const selection = this.selectTopK(logits, topK);
      return this.draw(logits, selection, nucleus, rng());
    }
    const max = logits[argmax(logits)];
    const sum = this.sumOfExp(logits, max);
    if (nucleus !== null) {
      const selection = this.selectAbove(logits, max, sum, nucleus);
      return this.draw(logits, selection, nucleus, rng());
    }
    // Plain temperature: only the tokens the draw can reach are sorted, widening until it lands.
    const r = rng();
    for (let threshold = -BAND_NATS; ; threshold -= BAND_NATS) {
      const selection = this.selectAbove(logits, max, sum, r, threshold);
      if (selection) {
        const id = this.walk(logits, selection, 1, selection.count, r);
        if (id >= 0) return id;
        if (selection.count === logits.length || threshold < LAST_THRESHOLD) return this.order[selection.count - 1];
      }
    }
  }

  /**
   * The distribution `next` draws from (not for greedy), largest first. Does not touch `logits`;
   * for tests and for showing what is sampled, not for the per-token path.
   */
  distribution(logits: Float32Array): Candidates {
    const scaled = Float32Array.from(logits);
    this.applyPenalty(scaled);
    this.applyTemperature(scaled);
    const { topK, topP } = this.settings;
    const nucleus = topP > 0 && topP < 1 ? topP : null;
    let selection: Selection;
    if (topK > 0 && topK < scaled.length) {
      selection = this.selectTopK(scaled, topK);
    } else {
      const max = scaled[argmax(scaled)];
      const sum = this.sumOfExp(scaled, max);
      selection = nucleus !== null ? this.selectAbove(scaled, max, sum, nucleus) : this.selectAbove(scaled, max, sum, Infinity, -Infinity)!;
    }
    const { keep, mass } = this.nucleus(scaled, selection, nucleus);
    const ids = Array.from(this.order.subarray(0, keep));
    return { ids, probs: ids.map((id) => Math.exp(scaled[id] - selection.max) / selection.sum / mass) };
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

  private applyTemperature(logits: Float32Array): void {
    const t = this.settings.temperature;
    if (t === 1) return;
    for (let i = 0; i < logits.length; i++) logits[i] = logits[i] / t;
  }

  private sumOfExp(logits: Float32Array, max: number): number {
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
    return sum;
  }

  private buffer(size: number): Int32Array {
    if (this.order.length < size) this.order = new Int32Array(size);
    return this.order;
  }

  private selectTopK(logits: Float32Array, k: number): Selection {
    const order = this.buffer(k);
    topKInto(logits, k, order);
    const max = logits[order[0]];
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.exp(logits[order[i]] - max);
    return { count: k, max, sum };
  }

  /**
   * The tokens within `-threshold` nats of the maximum, sorted largest first; if they hold less than
   * `mass` of the whole distribution, the band widens. Exact: every token left out is less likely than
   * every token kept. With an explicit `threshold` it tries that band only and returns null when short.
   */
  private selectAbove(logits: Float32Array, max: number, sum: number, mass: number, threshold?: number): Selection;
  private selectAbove(logits: Float32Array, max: number, sum: number, mass: number, threshold: number): Selection | null;
  private selectAbove(logits: Float32Array, max: number, sum: number, mass: number, threshold?: number): Selection | null {
    const order = this.buffer(logits.length);
    for (let band = threshold ?? -BAND_NATS; ; band -= BAND_NATS) {
      let count = 0;
      let kept = 0;
      for (let i = 0; i < logits.length; i++) {
        const delta = logits[i] - max;
        if (delta >= band) {
          order[count++] = i;
          kept += Math.exp(delta) / sum;
        }
      }
      if (kept >= mass || count === logits.length || band < LAST_THRESHOLD) {
        // Ties keep index order, as a stable full sort would leave them.
        order.subarray(0, count).sort((a, b) => logits[b] - logits[a] || a - b);
        return { count, max, sum };
      }
      if (threshold !== undefined) return null;
    }
  }

  /** Keeps the smallest prefix whose probability mass reaches `topP` (at least one token). */
  private nucleus(logits: Float32Array, { count, max, sum }: Selection, topP: number | null): { keep: number; mass: number } {
    if (topP === null) return { keep: count, mass: 1 };
    let mass = 0;
    let keep = 0;
    while (keep < count && (keep === 0 || mass < topP)) {
      mass += Math.exp(logits[this.order[keep]] - max) / sum;
      keep++;
    }
    return { keep, mass };
  }

  private draw(logits: Float32Array, selection: Selection, topP: number | null, r: number): number {
    const { keep, mass } = this.nucleus(logits, selection, topP);
    const id = this.walk(logits, selection, mass, keep, r);
    return id >= 0 ? id : this.order[keep - 1];
  }

  /** Walks the candidates largest first, spending `r` on their probabilities; -1 if it runs out. */
  private walk(logits: Float32Array, { max, sum }: Selection, mass: number, keep: number, r: number): number {
    for (let i = 0; i < keep; i++) {
      const id = this.order[i];
      r -= Math.exp(logits[id] - max) / sum / mass;
      if (r < 0) return id;
    }
    return -1;
  }
}
