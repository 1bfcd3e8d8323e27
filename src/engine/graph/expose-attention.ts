/**
 * A graph pass for the lesson: makes a standard export show its attention by appending each block's
 * tensors (attention-blocks.ts) to the graph's outputs, so one forward pass returns the attention
 * probabilities (and, for the head view, Q, Kᵀ, V, the scores and the weighted sums).
 *
 * Why a splice and not a decode/re-encode: the weights make up nearly all of the bytes and need no
 * change; writeGraph appends the new `GraphProto.output` entries and copies every other byte.
 *
 * A graph that fuses attention into one op (MultiHeadAttention, GroupQueryAttention, Attention)
 * keeps its probabilities inside the kernel: the answer is then `fused`, and the panel says so.
 */
import { DataType } from './onnx-proto';
import { outputField, readGraph, writeGraph, type GraphIndex } from './onnx-graph';
import { GraphView } from './graph-view';
import { FUSED_ATTENTION_OPS, findAttentionBlocks, type AttentionBlock } from './attention-blocks';

export type { AttentionBlock };

export type AttentionExposure =
  | { kind: 'exposed'; model: Uint8Array; blocks: AttentionBlock[] }
  /** No block found, but the graph names its maps `attentions.{layer}` (an export made for this panel). */
  | { kind: 'already' }
  | { kind: 'fused'; op: string }
  | { kind: 'not-found' };

/** The element type of a tensor: declared, or followed back through the ops that keep their input's type. */
function elemTypeOf(name: string, index: GraphIndex, g: GraphView, seen = new Set<string>()): number | undefined {
  const declared = index.declaredTypes.get(name);
  if (declared !== undefined) return declared;
  const node = g.producer(name);
  if (!node || seen.has(name)) return undefined;
  seen.add(name);
  if (node.value.op === 'Cast') return node.value.intAttrs.to;
  if (node.value.op === 'Shape' || node.value.op === 'Size') return DataType.int64;
  // Where(cond, x, y) takes its type from x; every other op on the attention path from its first input.
  const inputs = node.value.op === 'Where' ? node.value.inputs.slice(1) : node.value.inputs;
  for (const input of inputs) {
    const type = input ? elemTypeOf(input, index, g, seen) : undefined;
    if (type !== undefined) return type;
  }
  return undefined;
}

/**
 * Exposes every attention block's tensors (see `AttentionBlock`) as graph outputs. Graph outputs are identity copies of the
 * intermediate tensors, so the logits do not change (and ORT's own attention fusion, which would hide
 * them, leaves a block alone once its tensors are outputs).
 */
export function exposeAttention(model: Uint8Array): AttentionExposure {
  const index = readGraph(model);
  const g = new GraphView(index, []);
  const blocks = findAttentionBlocks(g);
  if (!blocks.length) {
    if (index.outputs.some((name) => /^attentions\.\d+$/.test(name))) return { kind: 'already' };
    const fused = index.nodes.find((node) => FUSED_ATTENTION_OPS.includes(node.value.op));
    return fused ? { kind: 'fused', op: fused.value.op } : { kind: 'not-found' };
  }
  // A graph output names a tensor of the graph, so each tensor is listed under its own name (once); the
  // runner finds them through `blocks`.
  const names = new Set(blocks.flatMap((b) => [b.probs, b.query, b.keyT, b.value, b.scores, b.context]).filter((name) => !g.graphOutputs.has(name)));
  const append = [...names].map((name) => outputField(name, elemTypeOf(name, index, g) ?? DataType.float));
  return { kind: 'exposed', model: writeGraph(index, { replace: new Map(), drop: new Set(), append }), blocks };
}
