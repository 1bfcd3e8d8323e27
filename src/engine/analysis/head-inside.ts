/**
 * Cuts one head and one token out of an attention block's tensors (as `exposeAttention` exposes
 * them, leading dimensions flattened) and checks them against each other: the dot products are
 * recomputed from the graph's own Q and Kᵀ, the weighted sum from its probabilities and V.
 */
import type { HeadInside } from '../../core/analysis-protocol';
import { ModelFormatError } from '../../core/errors';

export interface BlockTensors {
  query: Float32Array;
  keyT: Float32Array;
  value: Float32Array;
  scores: Float32Array;
  probs: Float32Array;
  context: Float32Array;
}

export function headInside(t: BlockTensors, seq: number, head: number, token: number): HeadInside {
  const heads = t.probs.length / (seq * seq);
  const headDim = t.context.length / (heads * seq);
  const queryHeads = t.query.length / (seq * headDim);
  const keyHeads = t.keyT.length / (seq * headDim);
  const valueHeads = t.value.length / (seq * headDim);
  if (![heads, headDim, queryHeads, keyHeads, valueHeads].every(Number.isInteger) || head >= heads || token >= seq) {
    throw new ModelFormatError('onnx/model.onnx', `its attention tensors do not split into ${heads} heads of ${seq} tokens`);
  }
  // Grouped-query attention: several query heads share one key/value head (broadcast by the MatMul).
  const q0 = ((Math.floor(head * queryHeads / heads)) * seq + token) * headDim;
  const kBase = Math.floor(head * keyHeads / heads) * headDim * seq;
  const vBase = Math.floor(head * valueHeads / heads) * seq * headDim;
  const query = Array.from(t.query.subarray(q0, q0 + headDim));
  const keys = Array.from({ length: seq }, (_, j) => Array.from({ length: headDim }, (_, i) => t.keyT[kBase + i * seq + j]));
  const values = Array.from({ length: seq }, (_, j) => Array.from(t.value.subarray(vBase + j * headDim, vBase + (j + 1) * headDim)));
  const row = (head * seq + token) * seq;
  const scores = Array.from(t.scores.subarray(row, row + seq));
  const probs = Array.from(t.probs.subarray(row, row + seq));
  const c0 = (head * seq + token) * headDim;
  const context = Array.from(t.context.subarray(c0, c0 + headDim));
  const dots = keys.map((key) => key.reduce((sum, k, i) => sum + k * query[i], 0));
  const weightedSum = Array.from({ length: headDim }, (_, i) => probs.reduce((sum, p, j) => sum + p * values[j][i], 0));
  return { head, token, seq, headDim, query, keys, values, dots, scores, probs, context, weightedSum };
}
