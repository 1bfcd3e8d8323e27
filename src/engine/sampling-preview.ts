/**
 * What the lesson's sampling playground shows, computed by the chat's own `Sampler` (one
 * implementation): for the same logits, settings and context, which tokens the settings keep, the
 * probability mass they keep, and where a number of real draws land. Runs in the analysis worker;
 * the panel only draws it.
 */
import { argmax, Sampler, type SamplingSettings } from './sampling';
import { createRng } from '../core/rng';
import type { SamplingPreviewResult } from '../core/analysis-protocol';

export interface SamplingPreviewRequest {
  /** Raw next-token logits of the last position. */
  logits: Float32Array;
  settings: SamplingSettings;
  /** The sentence so far: what the repetition penalty looks at. */
  context: number[];
  /** How many tokens to draw with the sampler (0: none). */
  draws: number;
  seed: number;
  /** How many of the most likely tokens (after penalty and temperature) to describe. */
  shown: number;
}

/** What the preview answers (the lesson's playground shows it): core's `SamplingPreviewResult`. */
export type SamplingPreview = SamplingPreviewResult;

/** The penalised, temperature-scaled softmax in float64 (temperature 0 is shown at 1: greedy keeps its argmax). */
function shownDistribution(logits: Float32Array, settings: SamplingSettings, context: number[]): Float64Array {
  // The sampler applies the penalty in place before its argmax: a greedy step on a copy gives the penalised logits.
  const penalised = Float32Array.from(logits);
  const greedy = new Sampler({ ...settings, temperature: 0 });
  greedy.observe(context);
  greedy.next(penalised, () => 0);
  const t = settings.temperature > 0 ? settings.temperature : 1;
  let max = -Infinity;
  for (const v of penalised) max = Math.max(max, v / t);
  const probs = new Float64Array(penalised.length);
  let sum = 0;
  for (let i = 0; i < penalised.length; i++) sum += probs[i] = Math.exp(penalised[i] / t - max);
  for (let i = 0; i < probs.length; i++) probs[i] /= sum;
  return probs;
}

/** The kept tokens and their draw probabilities, as the chat's sampler computes them. */
function keptTokens(logits: Float32Array, settings: SamplingSettings, context: number[]): Map<number, number> {
  const sampler = new Sampler(settings);
  sampler.observe(context);
  if (settings.temperature <= 0) {
    return new Map([[sampler.next(Float32Array.from(logits), () => 0), 1]]);
  }
  const { ids, probs } = sampler.distribution(logits);
  return new Map(ids.map((id, i) => [id, probs[i]]));
}

export function previewSampling(request: SamplingPreviewRequest): SamplingPreview {
  const { logits, settings, context, draws, seed, shown } = request;
  const probs = shownDistribution(logits, settings, context);
  const kept = keptTokens(logits, settings, context);
  let keptMass = 0;
  for (const id of kept.keys()) keptMass += probs[id];
  const ids: number[] = [];
  const rest = Float64Array.from(probs);
  for (let i = 0; i < Math.min(shown, probs.length); i++) {
    const id = argmax(rest);
    ids.push(id);
    rest[id] = -1;
  }
  const drawCounts = ids.map(() => 0);
  let drawsElsewhere = 0;
  if (draws > 0) {
    // One sampler for the whole run, as a reply uses one: the context it penalises is the sentence so far.
    const sampler = new Sampler(settings);
    sampler.observe(context);
    const rng = createRng(seed);
    const buffer = new Float32Array(logits.length);
    for (let d = 0; d < draws; d++) {
      buffer.set(logits);
      const at = ids.indexOf(sampler.next(buffer, rng));
      if (at >= 0) drawCounts[at]++;
      else drawsElsewhere++;
    }
  }
  return {
    ids,
    probs: ids.map((id) => probs[id]),
    keptProbs: ids.map((id) => kept.get(id) ?? 0),
    keptCount: kept.size,
    keptMass: Math.min(1, keptMass),
    drawCounts,
    drawsElsewhere,
    draws,
  };
}
