/**
 * Weights stored in half precision and read through `Cast(to = float)` (the embedded encoders keep
 * their large matrices this way: half the download, fp32 arithmetic) become float32 initializers
 * again at load. The runtime would otherwise run each Cast on every call, and on WebGPU a Cast from
 * fp16 needs `shader-f16`; widened, the graph is the plain fp32 graph every other pass expects
 * (attention blocks, fusions). Exact: every fp16 value is a float32 value.
 */
import { DataType } from './onnx-proto';
import { initializerField, readGraph, tensorBytes, writeGraph, type ExternalFile, type GraphEdit, type Located } from './onnx-graph';
import type { ParsedNode, ParsedTensor } from './onnx-proto';
import { fromFloat16Bits } from './float16';

export interface WidenedGraph {
  onnx: Uint8Array;
  /** How many Casts of an fp16 initializer became float32 initializers. */
  widened: number;
}

let table: Float32Array | null = null;

/** Every fp16 bit pattern's float32 value, made once: widening millions of weights is then a lookup each. */
function halfTable(): Float32Array {
  table ??= Float32Array.from({ length: 0x10000 }, (_, bits) => fromFloat16Bits(bits));
  return table;
}

/** The graph with its fp16-stored weights widened, or null when it has none. */
export function widenWeights(model: Uint8Array, external: ExternalFile[]): WidenedGraph | null {
  const index = readGraph(model);
  const halfInits = new Map<string, Located<ParsedTensor>>();
  for (const init of index.initializers) if (init.value.dataType === DataType.float16) halfInits.set(init.value.name, init);
  if (!halfInits.size) return null;
  const casts = index.nodes.filter((n) => n.value.op === 'Cast' && n.value.domain === '' && n.value.intAttrs.to === DataType.float
    && n.value.inputs.length === 1 && halfInits.has(n.value.inputs[0]) && !index.outputs.includes(n.value.outputs[0]));
  if (!casts.length) return null;
  const edit: GraphEdit = { replace: new Map<Located<ParsedNode>, Uint8Array[]>(), drop: new Set(), append: [] };
  for (const cast of casts) {
    const init = halfInits.get(cast.value.inputs[0])!.value;
    const half = tensorBytes(init, external);
    const bits = new Uint16Array(half.slice().buffer);
    const widened = new Float32Array(bits.length);
    const table = halfTable();
    for (let i = 0; i < bits.length; i++) widened[i] = table[bits[i]];
    edit.replace.set(cast, []);
    edit.append.push(initializerField(cast.value.outputs[0], 'float', init.dims, { inline: new Uint8Array(widened.buffer) }));
  }
  // An fp16 initializer that nothing else reads is left out.
  const castSet = new Set(casts);
  const readElsewhere = new Set(index.nodes.filter((n) => !castSet.has(n)).flatMap((n) => [...n.value.inputs, ...n.value.subgraphInputs]));
  for (const [name, init] of halfInits) {
    if (casts.some((c) => c.value.inputs[0] === name) && !readElsewhere.has(name) && !index.outputs.includes(name)) edit.drop.add(init);
  }
  return { onnx: writeGraph(index, edit), widened: casts.length };
}
