/**
 * A load-time pass for WebGPU: GroupQueryAttention's `seqlens_k` (the tokens held minus one, int32)
 * becomes a graph input the engine feeds, instead of being summed from `attention_mask` in the graph.
 * onnxruntime-web's WebGPU EP runs that integer arithmetic on the CPU and uploads its result through a
 * buffer it creates every run; as an input, the engine writes it into a GPU buffer made once
 * (gpu-step-inputs.ts). `total_sequence_length` is left as it is: GroupQueryAttention reads it on the
 * CPU (from the mask's shape, which costs no upload).
 *
 * It applies only where every GroupQueryAttention reads one `seqlens_k` that is exactly
 * Cast<int32>(Sub(ReduceSum(attention_mask, axis 1), 1)) (what the load-time fusion and genai-style
 * exports build; fed as [batch] whether the sum kept its axis or not), read by nothing else: for the engine's all-ones mask that is the mask's
 * length minus one, which is what it feeds. The chain's nodes go; anything else is left as exported.
 */
import { ProtoWriter } from './protobuf';
import { DataType, Field, writeValueInfo, type ParsedNode } from './onnx-proto';
import { readGraph, writeGraph, type Located } from './onnx-graph';
import { GraphView, type GraphNode } from './graph-view';
import { renamedNode } from './emit-new-kv';

const MS = 'com.microsoft';
/** The input this pass adds; decoder-feeds.ts fills it with the mask's length minus one. */
export const SEQLENS_INPUT = 'seqlens_k';

/** The Cast, Sub and ReduceSum computing Σ attention_mask − 1 as int32 into `name`, or null. */
function maskSumChain(g: GraphView, name: string): GraphNode[] | null {
  const cast = g.producer(name, 'Cast');
  if (!cast || cast.value.domain || cast.value.intAttrs.to !== DataType.int32) return null;
  const sub = g.producer(cast.value.inputs[0], 'Sub');
  if (!sub || sub.value.domain || g.scalar(sub.value.inputs[1]) !== 1) return null;
  const sum = g.producer(sub.value.inputs[0], 'ReduceSum');
  if (!sum || sum.value.domain || sum.value.inputs[0] !== 'attention_mask') return null;
  const axes = sum.value.inputs[1] ? g.constant(sum.value.inputs[1]) : (sum.value.intsAttrs.axes ?? null);
  if (!axes || axes.length !== 1 || (axes[0] !== 1 && axes[0] !== -1)) return null;
  // Each intermediate is read only by the next node of the chain: they can all go.
  if (!g.onlyReadBy(sum.value.outputs[0], sub) || !g.onlyReadBy(sub.value.outputs[0], cast)) return null;
  return [cast, sub, sum];
}

/** The graph with `seqlens_k` as an input, or null where the pattern is not exactly there. */
export function seqlensAsInput(onnx: Uint8Array): Uint8Array | null {
  const index = readGraph(onnx);
  if (index.inputs.includes(SEQLENS_INPUT) || !index.inputs.includes('attention_mask')) return null;
  const g = new GraphView(index, []);
  const attentions = index.nodes.filter((n) => n.value.op === 'GroupQueryAttention' && n.value.domain === MS);
  const seqlens = attentions[0]?.value.inputs[5];
  if (!seqlens || attentions.some((n) => n.value.inputs[5] !== seqlens) || g.graphOutputs.has(seqlens)) return null;
  // Only the attentions read it, each once, as its seqlens_k.
  const readers = g.readersOf(seqlens);
  if (readers.length !== attentions.length || attentions.some((n) => n.value.inputs.filter((i) => i === seqlens).length !== 1 || n.value.subgraphInputs.includes(seqlens))) return null;
  const chain = maskSumChain(g, seqlens);
  if (!chain) return null;

  const { model } = index;
  const renames = new Map([[seqlens, SEQLENS_INPUT]]);
  // Constants only the chain read (the axis, the 1) go with it.
  const constants = index.initializers.filter((i) => {
    const readers = g.readersOf(i.value.name);
    return readers.length > 0 && readers.every((r) => chain.includes(r)) && !index.inputs.includes(i.value.name);
  });
  // The chain's nodes go, each attention reads the new input; the input is declared after the body.
  const replace = new Map<Located<ParsedNode>, Uint8Array[]>([
    ...chain.map((node): [Located<ParsedNode>, Uint8Array[]] => [node, []]),
    ...attentions.map((node): [Located<ParsedNode>, Uint8Array[]] => [node, [renamedNode(model, node, renames)]]),
  ]);
  const input = new ProtoWriter().message(Field.graph.input, (w) => writeValueInfo(w, SEQLENS_INPUT, DataType.int32, ['batch_size'])).finish();
  return writeGraph(index, { replace, drop: new Set(constants), append: [input] });
}
