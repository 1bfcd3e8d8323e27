/**
 * Counts the parameters stored in an ONNX file by walking its protobuf just far enough to read the
 * shape of every initializer (graph weight). The panel shows this number, so it comes from the
 * weights that actually run, not from a formula over the config.
 */
import { ProtoReader as Reader } from '../graph/protobuf';

export interface WeightCount {
  /** Elements of floating-point initializers: the model's parameters. */
  parameters: number;
  /** Floating-point initializers found. */
  tensors: number;
}

// ONNX TensorProto.DataType values that hold trainable weights.
const FLOAT_TYPES = new Set([1 /* float */, 10 /* float16 */, 11 /* double */, 16 /* bfloat16 */]);

function readTensorShape(tensor: Reader): { dims: number[]; type: number } {
  const dims: number[] = [];
  let type = 0;
  tensor.fields((field, wire) => {
    if (field === 1) tensor.packedVarints(wire, dims);
    else if (field === 2 && wire === 0) type = tensor.varint();
    else return false;
    return true;
  });
  return { dims, type };
}

/** ModelProto.graph (7) → GraphProto.initializer (5) → TensorProto.dims (1) / data_type (2). */
export function countOnnxWeights(model: Uint8Array): WeightCount {
  const count: WeightCount = { parameters: 0, tensors: 0 };
  const top = new Reader(model);
  top.fields((field, wire) => {
    if (field !== 7 || wire !== 2) return false;
    const graph = top.sub();
    graph.fields((gField, gWire) => {
      if (gField !== 5 || gWire !== 2) return false;
      const { dims, type } = readTensorShape(graph.sub());
      if (FLOAT_TYPES.has(type)) {
        count.parameters += dims.reduce((a, b) => a * b, 1);
        count.tensors++;
      }
      return true;
    });
    return true;
  });
  return count;
}
