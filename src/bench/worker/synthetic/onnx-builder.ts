/**
 * A tiny ONNX graph builder: nodes, typed inputs/outputs and initializers, serialised to a
 * ModelProto. Weights go to one external-data buffer so models above protobuf's 2 GB limit work and
 * the graph itself stays a few kilobytes.
 */
import { ProtoWriter } from '../../../engine/graph/protobuf';
import { toFloat16Bits } from '../../../engine/graph/float16';
import { DataType, ELEMENT_BYTES, writeNode, writeTensor, writeValueInfo, type Attr, type ElemType, type NodeSpec } from '../../../engine/graph/onnx-proto';

export { toFloat16Bits, type Attr, type ElemType };

type Dim = number | string;

/** The typed view a weight's fill writes into, by element type. */
export type WeightArray = Float32Array | Uint16Array | Uint8Array | Int8Array | Int32Array;

interface Initializer {
  name: string;
  type: ElemType;
  dims: number[];
  /** Inline bytes (small constants) or an offset into the external buffer. */
  inline?: Uint8Array;
  external?: { offset: number; length: number };
}

/** Writes a weight's values into its slot of the external buffer (filled once, at build time). */
export type WeightFill = (out: Float32Array | Uint16Array) => void;

/** Fills several weights at once (a quantized matrix and its scales come from the same values). */
type GroupFill = (outs: WeightArray[]) => void;

export const EXTERNAL_DATA_FILE = 'model.onnx_data';

function typedView(type: ElemType, buffer: ArrayBuffer, offset: number, length: number): WeightArray {
  const n = length / ELEMENT_BYTES[type];
  if (type === 'float') return new Float32Array(buffer, offset, n);
  if (type === 'float16') return new Uint16Array(buffer, offset, n);
  if (type === 'int8') return new Int8Array(buffer, offset, n);
  if (type === 'int32') return new Int32Array(buffer, offset, n);
  return new Uint8Array(buffer, offset, n);
}

export class OnnxGraph {
  private nodes: NodeSpec[] = [];
  private inits: Initializer[] = [];
  private fills: { inits: Initializer[]; fill: GroupFill }[] = [];
  private inputs: { name: string; type: ElemType; dims: Dim[] }[] = [];
  private outputs: { name: string; type: ElemType; dims: Dim[] }[] = [];
  private externalSize = 0;
  private counter = 0;

  input(name: string, type: ElemType, dims: Dim[]): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  output(name: string, type: ElemType, dims: Dim[]): void {
    this.outputs.push({ name, type, dims });
  }

  /** Adds a node; returns its output names (fresh ones unless given). */
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs = 1 as number | string[], domain = ''): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => `${op.toLowerCase()}_${this.counter++}`) : outputs;
    this.nodes.push({ op, inputs, outputs: names, attrs, domain });
    return names;
  }

  /** Single-output shorthand. */
  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    return this.node(op, inputs, attrs, output ? [output] : 1)[0];
  }

  /** A small constant stored in the graph itself. */
  constant(type: ElemType, dims: number[], values: ArrayLike<number> | bigint[]): string {
    const name = `const_${this.counter++}`;
    let bytes: Uint8Array;
    if (type === 'int64') bytes = new Uint8Array(BigInt64Array.from(values as ArrayLike<number>, (v) => BigInt(v)).buffer);
    else if (type === 'float16') bytes = new Uint8Array(Uint16Array.from(values as ArrayLike<number>, toFloat16Bits).buffer);
    else if (type === 'bool' || type === 'uint8') bytes = Uint8Array.from(values as ArrayLike<number>);
    else if (type === 'int8') bytes = new Uint8Array(Int8Array.from(values as ArrayLike<number>).buffer);
    else if (type === 'int32') bytes = new Uint8Array(Int32Array.from(values as ArrayLike<number>).buffer);
    else bytes = new Uint8Array(Float32Array.from(values as ArrayLike<number>).buffer);
    this.inits.push({ name, type, dims, inline: bytes });
    return name;
  }

  /**
   * A weight whose bytes go to the external-data file. Filled in place at build time, so a 1B model
   * needs its weights in memory once, not twice.
   */
  weight(name: string, type: 'float' | 'float16', dims: number[], fill: WeightFill): string {
    return this.weights([{ name, type, dims }], ([out]) => fill(out as Float32Array | Uint16Array))[0];
  }

  /** Several external weights filled by one call, in the order given (e.g. packed 4-bit values and their scales). */
  weights(specs: { name: string; type: ElemType; dims: number[] }[], fill: GroupFill): string[] {
    const inits = specs.map(({ name, type, dims }) => {
      const length = dims.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[type];
      // Aligned to 8 bytes so every typed view of the buffer is legal.
      this.externalSize = Math.ceil(this.externalSize / 8) * 8;
      const init: Initializer = { name, type, dims, external: { offset: this.externalSize, length } };
      this.externalSize += length;
      this.inits.push(init);
      return init;
    });
    this.fills.push({ inits, fill });
    return specs.map((s) => s.name);
  }

  /** A weight given as its raw little-endian bytes (packed 4-bit blocks, int8 matrices, their scales). */
  rawWeight(name: string, type: ElemType, dims: number[], bytes: Uint8Array): string {
    return this.weights([{ name, type, dims }], ([out]) => new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes))[0];
  }

  get weightBytes(): number {
    return this.externalSize;
  }

  /**
   * The model file and its external data, as `InferenceSession.create` takes them. `dataFile` names the
   * external file as the graph refers to it; `embedWeights` stores every weight in the model itself
   * (externalData then comes back empty), as exports under 2 GB often do.
   */
  build(opset = 17, options: { dataFile?: string; embedWeights?: boolean } = {}): { model: Uint8Array; externalData: Uint8Array } {
    const externalData = new Uint8Array(this.externalSize);
    for (const { inits, fill } of this.fills) {
      fill(inits.map((i) => typedView(i.type, externalData.buffer, i.external!.offset, i.external!.length)));
    }
    const location = options.dataFile ?? EXTERNAL_DATA_FILE;
    const w = new ProtoWriter();
    w.int(1, 8); // ir_version 8 (opset 17 era)
    w.string(2, 'transformer-lab-synthetic');
    w.message(7, (g) => {
      for (const n of this.nodes) g.message(1, (nw) => writeNode(nw, n));
      g.string(2, 'synthetic');
      for (const init of this.inits) {
        const { inline, external } = init;
        const data = inline
          ? { inline }
          : options.embedWeights
            ? { inline: externalData.subarray(external!.offset, external!.offset + external!.length) }
            : { external: { location, ...external! } };
        g.message(5, (tw) => writeTensor(tw, init.name, init.type, init.dims, data));
      }
      for (const v of this.inputs) g.message(11, (vw) => writeValueInfo(vw, v.name, v.type, v.dims));
      for (const v of this.outputs) g.message(12, (vw) => writeValueInfo(vw, v.name, v.type, v.dims));
    });
    w.message(8, (o) => o.string(1, '').int(2, opset));
    // Contrib operators (com.microsoft, version 1) need their domain imported too.
    for (const domain of new Set(this.nodes.map((n) => n.domain).filter(Boolean))) w.message(8, (o) => o.string(1, domain).int(2, 1));
    return { model: w.finish(), externalData: options.embedWeights ? new Uint8Array(0) : externalData };
  }
}

export { DataType };
