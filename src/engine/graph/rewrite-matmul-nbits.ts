/**
 * Load-time graph rewrite for onnxruntime-web's WASM build, which has no fast `MatMulNBits` kernel
 * (4-bit projections measured 0.07× the speed of float32 `MatMul` at Qwen2.5-0.5B widths). Each such
 * node becomes ops that build runs fast:
 *   - float32 weights for a plain `MatMul` (+ `Add` for a bias), while the memory budget allows;
 *   - past it, per-output-channel int8 weights for `DynamicQuantizeLinear` + `MatMulInteger` + rescale
 *     (0.71× float32 speed, a quarter of its memory);
 *   - and where even int8 would not fit, the node is kept as it is (slow, but the model still loads).
 * Every node gets int8 first if the budget allows; then nodes are upgraded to float32 in graph order
 * while it still does: many fast-enough nodes beat a few fast ones and many slow ones.
 * Half-precision graphs (q4f16) get a `Cast` to float32 and back around the product.
 *
 * Everything but the rewritten nodes and the initializers only they read is copied byte for byte. The
 * new weights go to external-data buffers of their own (no giant protobuf), each weight decoded once
 * straight into its final place: the packed weights are read, never copied.
 */
import type { GraphRewriteNote } from '../../core/protocol';
import { fromFloat16Bits } from './float16';
import { DataType, type NodeSpec, type ParsedNode, type ParsedTensor } from './onnx-proto';
import { GraphFormatError, initializerField, nodeField, readGraph, tensorBytes, writeGraph, type ExternalFile, type Located } from './onnx-graph';
import { dequantizeTransposed, requantizeInt8Transposed, type NBitsLayout, type NBitsWeights } from './matmul-nbits';

export type { ExternalFile };

export interface RewrittenModel {
  onnx: Uint8Array;
  externalData: ExternalFile[];
  note: GraphRewriteNote;
}

/**
 * Bytes of weights the whole rewritten model may hold on WASM. Its memory is 32-bit (4 GB) and building
 * a session holds the external data and the runtime's own copy at once; measured: a 0.5B model with
 * 1.7 GB of weights loaded next to a second 0.9 GB session, so 2 GB leaves room to run.
 */
export const WASM_WEIGHT_BUDGET_BYTES = 2e9;

/** New weights are split into buffers of at most this size (one huge ArrayBuffer may not be allocatable). */
const CHUNK_BYTES = 256 * 2 ** 20;

const MATMUL_NBITS = 'MatMulNBits';
const CONTRIB_DOMAIN = 'com.microsoft';

interface NBitsNode {
  node: Located<ParsedNode>;
  layout: NBitsLayout;
  float16: boolean;
  mode: 'float32' | 'int8' | 'keep';
}

const isNBits = (n: ParsedNode) => n.op === MATMUL_NBITS && n.domain === CONTRIB_DOMAIN;

/** Numbers of a float32 / float16 / int32 tensor (small ones: scales, float zero points, g_idx). */
function tensorNumbers(t: ParsedTensor, external: ExternalFile[]): Float32Array | Int32Array {
  const bytes = tensorBytes(t, external).slice(); // aligned copy
  if (t.dataType === DataType.float) return new Float32Array(bytes.buffer);
  if (t.dataType === DataType.float16) return Float32Array.from(new Uint16Array(bytes.buffer), fromFloat16Bits);
  if (t.dataType === DataType.int32) return new Int32Array(bytes.buffer);
  throw new GraphFormatError(`initializer ${t.name} has data type ${t.dataType}, where float, float16 or int32 was expected`);
}

function layoutOf(node: ParsedNode): NBitsLayout {
  const { K, N, bits, block_size: blockSize } = node.intAttrs;
  if (!(K > 0 && N > 0 && bits >= 2 && bits <= 8 && blockSize >= 16)) {
    throw new GraphFormatError(`MatMulNBits node ${node.name} has attributes this app cannot read (K ${K}, N ${N}, bits ${bits}, block_size ${blockSize})`);
  }
  return { K, N, bits, blockSize };
}

/**
 * Rewrites every top-level `MatMulNBits` node whose weights are initializers; null when the graph has
 * none. `weightBudgetBytes` bounds the weights of the whole rewritten model (default WASM_WEIGHT_BUDGET_BYTES).
 */
export function rewriteMatMulNBits(onnx: Uint8Array, externalData: ExternalFile[], options: { weightBudgetBytes?: number } = {}): RewrittenModel | null {
  const started = performance.now();
  const index = readGraph(onnx);
  const { nodes, initializers } = index;
  const inits = new Map(initializers.map((i) => [i.value.name, i]));
  const targets = nodes.filter((n) => isNBits(n.value) && inits.has(n.value.inputs[1]) && inits.has(n.value.inputs[2]));
  if (!targets.length) return null;

  // Initializers read by anything but the rewritten nodes' weight inputs stay (a tied embedding's Gather, a bias).
  const stillRead = new Set<string>();
  const targetSet = new Set(targets);
  for (const n of nodes) {
    const own = targetSet.has(n) ? [n.value.inputs[0], n.value.inputs[5] ?? ''] : n.value.inputs;
    for (const name of [...own, ...n.value.subgraphInputs]) stillRead.add(name);
  }
  const dropped = new Set<string>();
  for (const n of targets) for (const name of n.value.inputs.slice(1, 5)) if (name && !stillRead.has(name)) dropped.add(name);

  const sizeOf = (t: ParsedTensor) => {
    const d = t.data;
    if (!d) return 0;
    if ('inline' in d) return d.inline.length;
    if ('external' in d) return d.external.length >= 0 ? d.external.length : 0;
    return ('floats' in d ? d.floats.length : d.int32s.length) * 4;
  };
  const otherBytes = initializers.reduce((a, i) => a + (dropped.has(i.value.name) ? 0 : sizeOf(i.value)), 0);
  const packedBytes = (n: Located<ParsedNode>) => n.value.inputs.slice(1, 5).reduce((a, name) => a + (dropped.has(name) ? sizeOf(inits.get(name)!.value) : 0), 0);
  const candidates = targets.map((node) => {
    const layout = layoutOf(node.value);
    const float16 = inits.get(node.value.inputs[2])!.value.dataType === DataType.float16;
    return { node, layout, float16, mode: 'keep' as NBitsNode['mode'], packed: packedBytes(node) };
  });
  // Start from the graph as downloaded, then spend the budget: int8 for every node that fits, then float32.
  let used = otherBytes + candidates.reduce((a, c) => a + c.packed, 0);
  const budget = options.weightBudgetBytes ?? WASM_WEIGHT_BUDGET_BYTES;
  const int8Bytes = (l: NBitsLayout) => l.K * l.N + l.N * 4;
  for (const c of candidates) {
    const extra = int8Bytes(c.layout) - c.packed;
    if (used + extra > budget) continue;
    c.mode = 'int8';
    used += extra;
  }
  for (const c of candidates) {
    if (c.mode !== 'int8') continue;
    const extra = c.layout.K * c.layout.N * 4 - int8Bytes(c.layout);
    if (used + extra > budget) break;
    c.mode = 'float32';
    used += extra;
  }
  const plan: NBitsNode[] = candidates.filter((c) => c.mode !== 'keep');
  if (!plan.length) return null;
  // Nodes kept as they are keep their weights.
  for (const c of candidates) if (c.mode === 'keep') for (const name of c.node.value.inputs.slice(1, 5)) dropped.delete(name);
  const weightBytesBefore = [...dropped].reduce((a, name) => a + sizeOf(inits.get(name)!.value), 0);

  // Every new weight's place, decided before any is decoded: each buffer is allocated once, at its size.
  const chunks: { path: string; size: number }[] = [];
  const place = (bytes: number) => {
    let chunk = chunks[chunks.length - 1];
    const aligned = chunk ? Math.ceil(chunk.size / 8) * 8 : 0;
    if (!chunk || aligned + bytes > CHUNK_BYTES) {
      chunk = { path: `tl-rewrite_${chunks.length}.onnx_data`, size: 0 };
      chunks.push(chunk);
    } else chunk.size = aligned;
    const at = { location: chunk.path, offset: chunk.size, length: bytes };
    chunk.size += bytes;
    return at;
  };
  const slots = plan.map((p) => {
    const { K, N } = p.layout;
    return p.mode === 'float32' ? { weight: place(K * N * 4), scales: null } : { weight: place(K * N), scales: place(N * 4) };
  });
  const buffers = new Map(chunks.map((c) => [c.path, new Uint8Array(c.size)]));
  const view = <T>(at: { location: string; offset: number; length: number }, make: (b: ArrayBuffer, o: number, n: number) => T, width: number) =>
    make(buffers.get(at.location)!.buffer, at.offset, at.length / width);

  const newNodes = new Map<Located<ParsedNode>, Uint8Array[]>();
  const newTensors: Uint8Array[] = [];
  plan.forEach((p, index) => {
    const n = p.node.value;
    const [a, bName, scalesName, zpName, gIdxName, biasName] = [0, 1, 2, 3, 4, 5].map((i) => n.inputs[i] ?? '');
    const tensor = (name: string) => {
      const t = inits.get(name);
      if (!t) throw new GraphFormatError(`MatMulNBits node ${n.name} reads ${name}, which is not an initializer`);
      return t.value;
    };
    const zp = zpName ? tensor(zpName) : null;
    const weights: NBitsWeights = {
      packed: tensorBytes(tensor(bName), externalData),
      scales: tensorNumbers(tensor(scalesName), externalData),
      zeroPoints: !zp ? null : zp.dataType === DataType.uint8 ? { packed: tensorBytes(zp, externalData) } : { values: tensorNumbers(zp, externalData) },
      gIdx: gIdxName ? tensorNumbers(tensor(gIdxName), externalData) : null,
    };
    const { K, N } = p.layout;
    const slot = slots[index];
    const prefix = `${n.name || n.outputs[0]}/tl_rewrite`;
    const weightName = `${prefix}/weight`;
    const out: NodeSpec[] = [];
    const op = (opType: string, inputs: string[], output: string, attrs: NodeSpec['attrs'] = {}, outputs = [output]) => {
      out.push({ op: opType, inputs, outputs, attrs, domain: '', name: `${prefix}/${opType}_${out.length}` });
      return output;
    };
    let x = p.float16 ? op('Cast', [a], `${prefix}/a_float`, { to: DataType.float }) : a;
    if (p.mode === 'float32') {
      dequantizeTransposed(p.layout, weights, view(slot.weight, (b, o, l) => new Float32Array(b, o, l), 4));
      newTensors.push(initializerField(weightName, 'float', [K, N], { external: slot.weight }));
      x = op('MatMul', [x, weightName], `${prefix}/product`);
    } else {
      const scalesName = `${prefix}/channel_scales`;
      requantizeInt8Transposed(p.layout, weights, view(slot.weight, (b, o, l) => new Int8Array(b, o, l), 1), view(slot.scales!, (b, o, l) => new Float32Array(b, o, l), 4));
      newTensors.push(initializerField(weightName, 'int8', [K, N], { external: slot.weight }), initializerField(scalesName, 'float', [N], { external: slot.scales! }));
      const [q, scale, zero] = [`${prefix}/a_q`, `${prefix}/a_scale`, `${prefix}/a_zero`];
      op('DynamicQuantizeLinear', [x], q, {}, [q, scale, zero]);
      const integer = op('MatMulInteger', [q, weightName, zero], `${prefix}/product_int`);
      const floats = op('Cast', [integer], `${prefix}/product_float`, { to: DataType.float });
      x = op('Mul', [op('Mul', [floats, scale], `${prefix}/scaled`), scalesName], `${prefix}/product`);
    }
    if (p.float16) x = op('Cast', [x], `${prefix}/product_half`, { to: DataType.float16 });
    // The last op writes the original output name, so every consumer reads it unchanged.
    if (biasName) op('Add', [x, biasName], n.outputs[0]);
    else out[out.length - 1].outputs[0] = n.outputs[0];
    newNodes.set(p.node, out.map(nodeField));
  });

  const model = writeGraph(index, { replace: newNodes, drop: new Set(initializers.filter((i) => dropped.has(i.value.name))), append: newTensors });

  // External files whose every tensor was rewritten are left behind: the runtime would copy them into its memory.
  const stillUsed = new Set(initializers.flatMap((i) => {
    const d = i.value.data;
    return !dropped.has(i.value.name) && d && 'external' in d ? [d.external.location.split('/').pop()] : [];
  }));
  const toFloat32 = plan.filter((p) => p.mode === 'float32').length;
  return {
    onnx: model,
    externalData: [...externalData.filter((f) => stillUsed.has(f.path.split('/').pop())), ...[...buffers].map(([path, data]) => ({ path, data }))],
    note: {
      rewrite: 'matmulnbits-to-matmul',
      nodes: plan.length,
      toFloat32,
      toInt8: plan.length - toFloat32,
      kept: candidates.length - plan.length,
      weightBytesBefore,
      weightBytesAfter: chunks.reduce((a, c) => a + c.size, 0),
      ms: performance.now() - started,
    },
  };
}
