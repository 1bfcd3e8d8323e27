/**
 * Counts the parameters stored in an ONNX file by walking its protobuf just far enough to read the
 * shape of every initializer (graph weight). The panel shows this number, so it comes from the
 * weights that actually run, not from a formula over the config.
 */

export interface WeightCount {
  /** Elements of floating-point initializers: the model's parameters. */
  parameters: number;
  /** Floating-point initializers found. */
  tensors: number;
}

// ONNX TensorProto.DataType values that hold trainable weights.
const FLOAT_TYPES = new Set([1 /* float */, 10 /* float16 */, 11 /* double */, 16 /* bfloat16 */]);

/** A cursor over protobuf wire-format bytes; `attention-outputs.ts` walks graphs with it too. */
export class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * shift;
      if (!(byte & 0x80)) return result;
      shift *= 128;
    }
  }

  /** Calls `onField` for each field; the callback must consume the value through the given helpers. */
  fields(onField: (field: number, wire: number) => boolean): void {
    while (this.pos < this.end) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (!onField(field, wire)) this.skip(wire);
    }
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const length = this.varint(); // read first: `pos += varint()` would add to the stale position
      this.pos += length;
    }
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }

  /** A length-delimited sub-message as its own reader; advances past it. */
  sub(): Reader {
    const length = this.varint();
    const reader = new Reader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }
}

function readTensorShape(tensor: Reader): { dims: number[]; type: number } {
  const dims: number[] = [];
  let type = 0;
  tensor.fields((field, wire) => {
    if (field === 1 && wire === 0) dims.push(tensor.varint());
    else if (field === 1 && wire === 2) {
      const packed = tensor.sub();
      while (packed.pos < packed.end) dims.push(packed.varint());
    } else if (field === 2 && wire === 0) type = tensor.varint();
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
