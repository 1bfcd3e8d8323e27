/**
 * Turns a float32 decoder into the q4 export the Hub has (transformers.js's `model_q4.onnx`): every
 * `MatMul` by a 2-D float32 weight becomes com.microsoft `MatMulNBits` (4 bits, blocks of 32,
 * symmetric); embeddings stay float32. For tests: a q4 fixture of a model whose float reference is known.
 */
import { quantizeNBits } from '../../src/engine/graph/matmul-nbits';
import { DataType, type ParsedNode, type ParsedTensor } from '../../src/engine/graph/onnx-proto';
import { initializerField, nodeField, readGraph, tensorBytes, writeGraph, type Located } from '../../src/engine/graph/onnx-graph';

export function quantizeMatMulsToQ4(model: Uint8Array): { model: Uint8Array; nodes: number } {
  const index = readGraph(model);
  const inits = new Map(index.initializers.map((i) => [i.value.name, i]));
  const uses = new Map<string, number>();
  for (const n of index.nodes) for (const name of n.value.inputs) uses.set(name, (uses.get(name) ?? 0) + 1);
  const replace = new Map<Located<ParsedNode>, Uint8Array[]>();
  const drop = new Set<Located<ParsedTensor>>();
  const append: Uint8Array[] = [];
  for (const node of index.nodes) {
    const { op, domain, inputs, outputs, name } = node.value;
    const weight = inits.get(inputs[1]);
    if (op !== 'MatMul' || domain || !weight || weight.value.dataType !== DataType.float || weight.value.dims.length !== 2) continue;
    const [K, N] = weight.value.dims;
    const b = new Float32Array(tensorBytes(weight.value, []).slice().buffer);
    const w = new Float32Array(N * K);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) w[n * K + k] = b[k * N + n];
    const layout = { K, N, bits: 4, blockSize: 32 };
    const q = quantizeNBits(layout, w, true);
    const packed = `${inputs[1]}.q4`;
    const scales = `${inputs[1]}.scales`;
    append.push(
      initializerField(packed, 'uint8', [N, Math.ceil(K / 32), 16], { inline: q.packed }),
      initializerField(scales, 'float', [q.scales.length], { inline: new Uint8Array(q.scales.buffer) }),
    );
    replace.set(node, [nodeField({ op: 'MatMulNBits', inputs: [inputs[0], packed, scales], outputs, attrs: { K, N, bits: 4, block_size: 32 }, domain: 'com.microsoft', name })]);
    if (uses.get(inputs[1]) === 1) drop.add(weight);
  }
  return { model: writeGraph(index, { replace, drop, append, opsets: [{ domain: 'com.microsoft', version: 1 }] }), nodes: replace.size };
}

/** Whether the graph still has a com.microsoft `MatMulNBits` node (the rewrite leaves none it can read). */
export function hasMatMulNBits(model: Uint8Array): boolean {
  return readGraph(model).nodes.some((n) => n.value.op === 'MatMulNBits' && n.value.domain === 'com.microsoft');
}
