/** Weights for synthetic decoders whose greedy tokens differ from step to step (tests of graph rewrites). */
import { randomWeights, type WeightSource } from '../../src/bench/worker/synthetic/gpt-graph';
import { fromFloat16Bits, toFloat16Bits } from '../../src/engine/graph/float16';

/**
 * Random weights at GPT-2's initial scale make a decoder repeat one token forever, which would agree
 * trivially; larger ones (and non-trivial norms) make it wander over the vocabulary.
 */
export function livelyWeights(): WeightSource {
  const random = randomWeights(7);
  return (name, dims, role) => (out) => {
    random(name, dims, 'matrix')(out);
    const gain = role === 'norm-scale' ? 1 : GAIN;
    const shift = role === 'norm-scale' ? 1 : 0;
    if (out instanceof Float32Array) for (let i = 0; i < out.length; i++) out[i] = out[i] * gain + shift;
    else for (let i = 0; i < out.length; i++) out[i] = toFloat16Bits(fromFloat16Bits(out[i]) * gain + shift);
  };
}
const GAIN = 8;
