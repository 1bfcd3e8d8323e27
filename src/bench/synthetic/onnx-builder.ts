/**
 * A tiny ONNX graph builder: nodes, typed inputs/outputs and initializers, serialised to a
 * ModelProto. Weights go to one external-data buffer so models above protobuf's 2 GB limit work and
 * the graph itself stays a few kilobytes.
 */
import { ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values used here. */
export const DataType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type ElemType = keyof typeof DataType;

/** Integers, integer lists, strings, or `{ float }` for a float attribute (epsilon, alpha). */
export type Attr = number | number[] | string | { float: number };
type Dim = number | string;

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
  domain: string;
}

interface Initializer {
  name: string;
  type: ElemType;
  dims: number[];
  /** Inline bytes (small constants) or an offset into the external buffer. */
  inline?: Uint8Array;
  external?: { offset: number; length: number; fill: WeightFill | Uint8Array };
}

/** Writes a weight's values into its slot of the external buffer (filled once, at build time). */
export type WeightFill = (out: Float32Array | Uint16Array) => void;

export const EXTERNAL_DATA_FILE = 'model.onnx_data';

export class OnnxGraph {
  private nodes: NodeSpec[] = [];
  private inits: Initializer[] = [];
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
    else if (type === 'bool') bytes = Uint8Array.from(values as ArrayLike<number>);
    else if (type === 'int8' || type === 'uint8') bytes = Uint8Array.from(values as ArrayLike<number>, (v) => v & 0xff);
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
    const length = dims.reduce((a, b) => a * b, 1) * (type === 'float16' ? 2 : 4);
    this.inits.push({ name, type, dims, external: { offset: this.externalSize, length, fill } });
    this.externalSize += length;
    return name;
  }

  /**
   * A weight given as its raw little-endian bytes (packed 4-bit blocks, int8 matrices, their scales),
   * in the external-data file at a 16-byte-aligned offset so float views of later weights stay aligned.
   */
  rawWeight(name: string, type: ElemType, dims: number[], bytes: Uint8Array): string {
    const offset = Math.ceil(this.externalSize / 16) * 16;
    this.inits.push({ name, type, dims, external: { offset, length: bytes.length, fill: bytes } });
    this.externalSize = Math.ceil((offset + bytes.length) / 16) * 16;
    return name;
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
    const externalData = this.fillExternal();
    const w = new ProtoWriter();
    w.int(1, 8); // ir_version 8 (opset 17 era)
    w.string(2, 'transformer-lab-synthetic');
    w.message(7, (g) => {
      for (const n of this.nodes) g.message(1, (nw) => writeNode(nw, n));
      g.string(2, 'synthetic');
      for (const init of this.inits) g.message(5, (tw) => writeInitializer(tw, init, options.dataFile ?? EXTERNAL_DATA_FILE, options.embedWeights ? externalData : null));
      for (const v of this.inputs) g.message(11, (vw) => writeValueInfo(vw, v.name, v.type, v.dims));
      for (const v of this.outputs) g.message(12, (vw) => writeValueInfo(vw, v.name, v.type, v.dims));
    });
    w.message(8, (o) => o.string(1, '').int(2, opset));
    // Contrib operators (com.microsoft, version 1) need their domain imported too.
    for (const domain of new Set(this.nodes.map((n) => n.domain).filter(Boolean))) w.message(8, (o) => o.string(1, domain).int(2, 1));
    return { model: w.finish(), externalData: options.embedWeights ? new Uint8Array(0) : externalData };
  }

  private fillExternal(): Uint8Array {
    const externalData = new Uint8Array(this.externalSize);
    for (const { type, external } of this.inits) {
      if (!external) continue;
      if (external.fill instanceof Uint8Array) {
        externalData.set(external.fill, external.offset);
        continue;
      }
      const view = type === 'float16'
        ? new Uint16Array(externalData.buffer, external.offset, external.length / 2)
        : new Float32Array(externalData.buffer, external.offset, external.length / 4);
      external.fill(view);
    }
    return externalData;
  }
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.outputs[0]);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attrs)) {
    w.message(5, (a) => {
      a.string(1, name);
      if (typeof value === 'string') a.bytes(4, new TextEncoder().encode(value)).int(20, 3);
      else if (Array.isArray(value)) {
        for (const v of value) a.int(8, v);
        a.int(20, 7);
      } else if (typeof value === 'object') a.float(2, value.float).int(20, 1);
      else a.int(3, value).int(20, 2);
    });
  }
  if (n.domain) w.string(7, n.domain);
}

function writeInitializer(w: ProtoWriter, init: Initializer, dataFile: string, embedFrom: Uint8Array | null): void {
  for (const d of init.dims) w.int(1, d);
  w.int(2, DataType[init.type]);
  w.string(8, init.name);
  if (init.inline) w.bytes(9, init.inline);
  if (init.external && embedFrom) w.bytes(9, embedFrom.subarray(init.external.offset, init.external.offset + init.external.length));
  else if (init.external) {
    const entries: [string, string][] = [
      ['location', dataFile],
      ['offset', String(init.external.offset)],
      ['length', String(init.external.length)],
    ];
    for (const [key, value] of entries) w.message(13, (e) => e.string(1, key).string(2, value));
    w.int(14, 1); // data_location = EXTERNAL
  }
}

function writeValueInfo(w: ProtoWriter, name: string, type: ElemType, dims: Dim[]): void {
  w.string(1, name);
  w.message(2, (t) =>
    t.message(1, (tt) => {
      tt.int(1, DataType[type]);
      tt.message(2, (s) => {
        for (const d of dims) s.message(1, (dw) => (typeof d === 'number' ? dw.int(1, d) : dw.string(2, d)));
      });
    }),
  );
}

/** IEEE 754 half precision, round to nearest even. */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = sign | (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return half;
}
