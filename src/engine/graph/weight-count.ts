/**
 * A graph pass that counts the parameters an ONNX file stores, from the shapes of its initializers
 * (nothing decoded): the panel shows this number, so it comes from the weights that actually run,
 * not from a formula over the config. A quantized weight counts as the parameters it encodes (a 4-bit
 * `MatMulNBits` matrix as its K·N, an int8 matrix as its elements), and its scales and zero points,
 * which are no parameters of the model, not at all: a q4 export counts what its fp32 export counts.
 */
import { DataType } from './onnx-proto';
import { readGraph } from './onnx-graph';
import type { GraphNode } from './graph-view';

export interface WeightCount {
  /** Parameters: elements of floating-point weights, and those quantized weights encode. */
  parameters: number;
  /** Weight tensors counted (float or quantized; scales and zero points aside). */
  tensors: number;
  /** Of those, the quantized ones. */
  quantizedTensors: number;
}

const FLOAT_TYPES = new Set<number>([DataType.float, DataType.float16, 11 /* double */, 16 /* bfloat16 */]);
const INTEGER_WEIGHT_TYPES = new Set<number>([DataType.int8, DataType.uint8]);

/**
 * What a quantizing node says of its initializer inputs: per input position, the parameters the tensor
 * encodes (from its element count `elements`), or 0 for a scale or zero point.
 */
const QUANTIZED_INPUTS: Record<string, (node: GraphNode['value'], at: number, elements: number) => number | null> = {
  // B packs K·N weights of `bits` bits; scales (2), zero points (3) and g_idx (4) encode none.
  MatMulNBits: (node, at) => (at === 1 ? (node.intAttrs.K ?? 0) * (node.intAttrs.N ?? 0) : at >= 2 ? 0 : null),
  GatherBlockQuantized: (node, at, elements) => (at === 0 ? (elements * 8) / (node.intAttrs.bits ?? 4) : at >= 2 ? 0 : null),
  DequantizeLinear: (_node, at, elements) => (at === 0 ? elements : 0),
  MatMulInteger: (_node, at, elements) => (at === 1 ? elements : at >= 2 ? 0 : null),
};

export function countOnnxWeights(model: Uint8Array): WeightCount {
  const index = readGraph(model);
  const elements = new Map(index.initializers.map(({ value }) => [value.name, value.dims.reduce((a, b) => a * b, 1)]));
  /** Initializers a quantizing node reads, with the parameters each encodes. */
  const quantized = new Map<string, number>();
  const producers = new Map(index.nodes.flatMap(({ value }) => value.outputs.map((o) => [o, value] as const)));
  const quantizedArithmetic = (name: string): boolean => {
    const node = producers.get(name);
    return node?.op === 'MatMulInteger' || node?.op === 'DynamicQuantizeLinear' || (node?.op === 'Cast' && quantizedArithmetic(node.inputs[0]));
  };
  for (const { value: node } of index.nodes) {
    // Dynamic quantization's rescale (`Cast(MatMulInteger(…)) · scale`, or the activation's scale · the weight's): no parameter.
    if (node.op === 'Mul' && node.inputs.some(quantizedArithmetic)) for (const input of node.inputs) if (elements.has(input)) quantized.set(input, 0);
    const rule = QUANTIZED_INPUTS[node.op];
    if (!rule) continue;
    node.inputs.forEach((input, at) => {
      const count = elements.get(input);
      const encoded = count === undefined ? null : rule(node, at, count);
      if (encoded !== null) quantized.set(input, encoded);
    });
  }
  const count: WeightCount = { parameters: 0, tensors: 0, quantizedTensors: 0 };
  for (const { value } of index.initializers) {
    const encoded = quantized.get(value.name);
    if (encoded !== undefined) {
      if (encoded > 0 && INTEGER_WEIGHT_TYPES.has(value.dataType)) {
        count.parameters += encoded;
        count.tensors++;
        count.quantizedTensors++;
      }
      continue;
    }
    if (FLOAT_TYPES.has(value.dataType)) {
      count.parameters += elements.get(value.name)!;
      count.tensors++;
    }
  }
  return count;
}
