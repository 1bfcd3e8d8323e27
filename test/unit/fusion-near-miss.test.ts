/**
 * Graphs the fusions must leave alone (src/engine/graph/fusions/): an ALiBi-style additive mask, a
 * `Where` whose "hidden" score is finite, an RMSNorm with an extra op. Each is built into chosen layers
 * of the Optimum-style fixture; those layers stay as exported, the others are still fused (a model is
 * not all-or-nothing), and the rewritten graph gives the exported graph's logits on native
 * onnxruntime-node, through a prompt and decode steps on the cache.
 */
import { describe, expect, it } from 'vitest';
import { fuseDecoderGraph } from '../../src/engine/graph/fuse-decoder';
import { readGraph } from '../../src/engine/graph/onnx-graph';
import { buildOptimumDecoder, type NearMiss } from '../support/export-fixtures/graphs';
import { randomDecoderWeights, type DecoderSpec } from '../support/export-fixtures/weights';
import { stepper } from '../support/graph-stepper';

const spec: DecoderSpec = { vocab: 300, hidden: 32, heads: 2, kvHeads: 2, headDim: 16, ffn: 64, layers: 3, maxPositions: 64, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false };
const weights = randomDecoderWeights(spec, 5, Array.from({ length: 40 }, (_, i) => 20 + i * 7));
const config = { num_hidden_layers: 3, num_key_value_heads: 2, head_dim: 16 };

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** The largest logit difference between two graphs over a prompt, six decode steps and a second prompt. */
async function logitGap(exported: Uint8Array, rewritten: Uint8Array): Promise<number> {
  const [a, b] = await Promise.all([stepper(exported, config), stepper(rewritten, config)]);
  let gap = 0;
  for (const ids of [[3, 17, 250, 99, 4], [42], [7], [180], [66], [5], [12], [8, 9, 10]]) gap = Math.max(gap, maxAbsDiff(await a(ids), await b(ids)));
  return gap;
}

const ops = (onnx: Uint8Array) => readGraph(onnx).nodes.map((n) => n.value.op);

describe('near misses are left as exported, layer by layer', () => {
  const cases: { nearMiss: NearMiss; expected: Record<string, number> }[] = [
    { nearMiss: { kind: 'alibi', layers: [1] }, expected: { attentions: 2, skipRmsNorms: 6 } },
    { nearMiss: { kind: 'finite-where', layers: [0, 2] }, expected: { attentions: 1, skipRmsNorms: 6 } },
    // Layer 0's input norm (the plain one: no residual before it) and layer 1's (a skip norm) stay spelled out.
    { nearMiss: { kind: 'norm-extra-op', layers: [0, 1] }, expected: { attentions: 3, rmsNorms: 0, skipRmsNorms: 5 } },
  ];
  for (const { nearMiss, expected } of cases) {
    it(`${nearMiss.kind} in layer(s) ${nearMiss.layers.join(', ')}: those stay, the rest is fused, the logits are the export's`, async () => {
      const exported = buildOptimumDecoder(spec, weights, 'fp32', { nearMiss }).model;
      const fused = fuseDecoderGraph(exported, [], { maxPositions: 64 })!;
      expect(fused.note).toMatchObject(expected);
      const spelledOut = ops(fused.onnx).filter((op) => op === 'Softmax').length;
      expect(spelledOut).toBe(spec.layers - fused.note.attentions);
      expect(await logitGap(exported, fused.onnx)).toBeLessThan(1e-4);
    });
  }

  it('the same graphs without the near miss are fused in full (the near miss is what stops them)', async () => {
    const exported = buildOptimumDecoder(spec, weights, 'fp32').model;
    const fused = fuseDecoderGraph(exported, [], { maxPositions: 64 })!;
    expect(fused.note).toMatchObject({ attentions: 3, rmsNorms: 1, skipRmsNorms: 6, silus: 3 });
    expect(await logitGap(exported, fused.onnx)).toBeLessThan(1e-4);
  });

  it('a near miss changes the logits: dropping it would not go unnoticed', async () => {
    for (const kind of ['alibi', 'finite-where', 'norm-extra-op'] as const) {
      const plain = buildOptimumDecoder(spec, weights, 'fp32').model;
      const near = buildOptimumDecoder(spec, weights, 'fp32', { nearMiss: { kind, layers: [0, 1, 2] } }).model;
      expect(await logitGap(plain, near), kind).toBeGreaterThan(1e-3);
    }
  }, 30_000);
});
