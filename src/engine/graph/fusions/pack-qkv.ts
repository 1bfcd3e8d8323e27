import { DataType, type NodeSpec } from '../onnx-proto';
import { initializerField } from '../onnx-graph';
import type { GraphNode, GraphView } from '../graph-view';

interface Linear {
  x: string;
  weight: string;
  bias: string | null;
  nodes: GraphNode[];
}

function matchLinear(g: GraphView, name: string): Linear | null {
  const add = g.producer(name, 'Add');
  const product = add ? null : g.producer(name, 'MatMul');
  let bias: string | null = null;
  let matmul = product;
  if (add) {
    const biasAt = add.value.inputs.findIndex((i) => g.initializer(i)?.dims.length === 1 && g.initializer(i)!.dataType === DataType.float);
    if (biasAt < 0) return null;
    bias = add.value.inputs[biasAt];
    matmul = g.producer(add.value.inputs[1 - biasAt], 'MatMul');
    if (!matmul || !g.onlyReadBy(matmul.value.outputs[0], add)) return null;
  }
  if (!matmul) return null;
  const [x, weight] = matmul.value.inputs;
  const w = g.initializer(weight);
  if (!w || w.dims.length !== 2 || w.dataType !== DataType.float || (bias && g.initializer(bias)!.dims[0] !== w.dims[1])) return null;
  return { x, weight, bias, nodes: add ? [matmul, add] : [matmul] };
}

/**
 * q, k and v as one product on weights laid side by side, [in, out_q + out_k + out_v] (biases too):
 * one MatMul (and one Add) instead of three, where all three read the same input the same way and
 * nothing else reads their weights or results. Null where they do not.
 */
export function packProjections(g: GraphView, outputs: string[], name: string): { output: string; specs: NodeSpec[]; tensors: Uint8Array[]; covered: GraphNode[] } | null {
  const parts = outputs.map((o) => matchLinear(g, o));
  if (parts.some((p) => !p)) return null;
  const linears = parts as Linear[];
  const [first] = linears;
  if (linears.some((l) => l.x !== first.x || Boolean(l.bias) !== Boolean(first.bias))) return null;
  // Each projection's result is read once (by its head split), and each weight only by its product.
  if (outputs.some((o) => g.readersOf(o).length !== 1 || g.graphOutputs.has(o))) return null;
  if (linears.some((l) => g.readersOf(l.weight).length !== 1 || (l.bias && g.readersOf(l.bias).length !== 1))) return null;
  const weights = linears.map((l) => g.floats(l.weight));
  if (weights.some((w) => !w)) return null;
  const rows = g.initializer(first.weight)!.dims[0];
  const widths = linears.map((l) => g.initializer(l.weight)!.dims[1]);
  if (linears.some((l) => g.initializer(l.weight)!.dims[0] !== rows)) return null;
  const total = widths.reduce((a, b) => a + b, 0);
  const packed = new Float32Array(rows * total);
  for (let r = 0; r < rows; r++) {
    let at = r * total;
    weights.forEach((w, i) => {
      packed.set(w!.subarray(r * widths[i], (r + 1) * widths[i]), at);
      at += widths[i];
    });
  }
  const tensors = [initializerField(`${name}/weight`, 'float', [rows, total], { inline: new Uint8Array(packed.buffer) })];
  const product = `${name}/product`;
  const specs: NodeSpec[] = [{ op: 'MatMul', inputs: [first.x, `${name}/weight`], outputs: [product], attrs: {}, domain: '', name: product }];
  let output = product;
  if (first.bias) {
    const biases = linears.map((l) => g.floats(l.bias!));
    if (biases.some((b) => !b)) return null;
    const bias = new Float32Array(total);
    let at = 0;
    biases.forEach((b) => {
      bias.set(b!, at);
      at += b!.length;
    });
    tensors.push(initializerField(`${name}/bias`, 'float', [total], { inline: new Uint8Array(bias.buffer) }));
    output = `${name}/biased`;
    specs.push({ op: 'Add', inputs: [product, `${name}/bias`], outputs: [output], attrs: {}, domain: '', name: output });
  }
  return { output, specs, tensors, covered: linears.flatMap((l) => l.nodes) };
}
