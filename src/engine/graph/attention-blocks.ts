/**
 * The one attention matcher: an attention block as exporters spell it,
 *   MatMul(Q, Kᵀ) → [Div/Mul scale] → [Add/Where mask] → Softmax → MatMul(·, V),
 * found from its Softmax. The lesson makes each block's tensors graph outputs (expose-attention.ts);
 * the attention fusion (fusions/attention.ts) starts from the same match and then checks every op in
 * between itself, since it replaces them.
 */
import type { GraphNode, GraphView } from './graph-view';

/** The tensors of one attention block, by their names in the graph. */
export interface AttentionBlock {
  layer: number;
  /** Softmax output: [batch, heads, seq, seq]. */
  probs: string;
  /** Softmax input: the scaled, masked scores. */
  scores: string;
  /** The first MatMul's inputs: Q [b, h, s, d] and Kᵀ [b, h, d, s] (some exports pre-scale both). */
  query: string;
  keyT: string;
  /** The second MatMul's right input V [b, h, s, d] and its output, the weighted sums [b, h, s, d]. */
  value: string;
  context: string;
}

export interface AttentionMatch {
  softmax: GraphNode;
  /** MatMul(Q, Kᵀ) and MatMul(probs, V). */
  scoresProduct: GraphNode;
  valueProduct: GraphNode;
}

/** Ops that combine attention into one kernel, whose probabilities never leave it. */
export const FUSED_ATTENTION_OPS = ['Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'PackedAttention', 'PackedMultiHeadAttention', 'SparseAttention'];

// Ops that may sit between the scores MatMul and the Softmax (scale, mask, casts).
const BETWEEN_SCORES_AND_SOFTMAX = new Set(['Add', 'Div', 'Mul', 'Where', 'Cast', 'Sub']);
// Ops that may sit between the Softmax and the MatMul with V.
const BETWEEN_SOFTMAX_AND_VALUE = new Set(['Cast', 'Dropout', 'Identity']);

function scoresProduct(g: GraphView, tensor: string, depth: number): GraphNode | null {
  const node = g.producer(tensor);
  if (!node || depth > 5) return null;
  if (node.value.op === 'MatMul') return node;
  if (!BETWEEN_SCORES_AND_SOFTMAX.has(node.value.op)) return null;
  for (const input of node.value.inputs) {
    const found = input ? scoresProduct(g, input, depth + 1) : null;
    if (found) return found;
  }
  return null;
}

function valueProduct(g: GraphView, tensor: string, depth: number): GraphNode | null {
  for (const node of g.readersOf(tensor)) {
    if (node.value.op === 'MatMul' && node.value.inputs[0] === tensor) return node;
    if (BETWEEN_SOFTMAX_AND_VALUE.has(node.value.op) && depth < 3) {
      const found = valueProduct(g, node.value.outputs[0], depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** The block around a Softmax node, or null when it is no attention's. */
export function matchAttentionBlock(g: GraphView, softmax: GraphNode): AttentionMatch | null {
  if (softmax.value.op !== 'Softmax' || softmax.value.domain) return null;
  const first = scoresProduct(g, softmax.value.inputs[0], 0);
  const second = valueProduct(g, softmax.value.outputs[0], 0);
  return first && second ? { softmax, scoresProduct: first, valueProduct: second } : null;
}

/** Every attention block of the graph, in node (= layer) order. */
export function findAttentionBlocks(g: GraphView): AttentionBlock[] {
  const blocks: AttentionBlock[] = [];
  for (const node of g.index.nodes) {
    const match = matchAttentionBlock(g, node);
    if (!match) continue;
    const { scoresProduct: qk, valueProduct: pv } = match;
    blocks.push({
      layer: blocks.length, probs: node.value.outputs[0], scores: node.value.inputs[0],
      query: qk.value.inputs[0], keyT: qk.value.inputs[1], value: pv.value.inputs[1], context: pv.value.outputs[0],
    });
  }
  return blocks;
}
