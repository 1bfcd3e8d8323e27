/**
 * ONNX's protobuf messages as far as the app reads and writes them: nodes, tensors (inline or in
 * external data), value infos. One place for the field numbers, shared by the synthetic-model builder
 * (src/bench/worker/synthetic) and the load-time graph rewrite.
 */
import { ProtoReader, ProtoWriter } from './protobuf';

/** ONNX TensorProto.DataType values used here. */
export const DataType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export type ElemType = keyof typeof DataType;

/** Bytes per element of each data type. */
export const ELEMENT_BYTES: Record<ElemType, number> = { float: 4, uint8: 1, int8: 1, int32: 4, int64: 8, bool: 1, float16: 2 };

export function elemTypeOf(code: number): ElemType | null {
  return (Object.keys(DataType) as ElemType[]).find((k) => DataType[k] === code) ?? null;
}

/** ModelProto, GraphProto, NodeProto, TensorProto field numbers (onnx.proto3). */
export const Field = {
  model: { graph: 7, opsetImport: 8 },
  graph: { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attribute: { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, ints: 8, graphs: 11, type: 20 },
  tensor: { dims: 1, dataType: 2, floatData: 4, int32Data: 5, int64Data: 7, name: 8, rawData: 9, externalData: 13, dataLocation: 14 },
} as const;

/** Integers, integer lists, strings, or `{ float }` for a float attribute (epsilon, alpha). */
export type Attr = number | number[] | string | { float: number };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
  domain: string;
  name?: string;
}

export function writeNode(w: ProtoWriter, n: NodeSpec): void {
  const F = Field.node;
  for (const i of n.inputs) w.string(F.input, i);
  for (const o of n.outputs) w.string(F.output, o);
  w.string(F.name, n.name ?? n.outputs[0]);
  w.string(F.opType, n.op);
  for (const [name, value] of Object.entries(n.attrs)) {
    w.message(F.attribute, (a) => {
      a.string(1, name);
      if (typeof value === 'string') a.bytes(4, new TextEncoder().encode(value)).int(20, 3);
      else if (Array.isArray(value)) {
        for (const v of value) a.int(8, v);
        a.int(20, 7);
      } else if (typeof value === 'object') a.float(2, value.float).int(20, 1);
      else a.int(3, value).int(20, 2);
    });
  }
  if (n.domain) w.string(F.domain, n.domain);
}

/** Where a tensor's bytes are: inline in the graph, or a slice of an external-data file. */
export type TensorData = { inline: Uint8Array } | { external: { location: string; offset: number; length: number } };

export function writeTensor(w: ProtoWriter, name: string, type: ElemType, dims: number[], data: TensorData): void {
  const F = Field.tensor;
  for (const d of dims) w.int(F.dims, d);
  w.int(F.dataType, DataType[type]);
  w.string(F.name, name);
  if ('inline' in data) w.bytes(F.rawData, data.inline);
  else {
    const { location, offset, length } = data.external;
    const entries: [string, string][] = [['location', location], ['offset', String(offset)], ['length', String(length)]];
    for (const [key, value] of entries) w.message(F.externalData, (e) => e.string(1, key).string(2, value));
    w.int(F.dataLocation, 1); // EXTERNAL
  }
}

type Dim = number | string;

/** A ValueInfoProto { name, type { tensor_type { elem_type, shape } } }; no shape at all when `dims` is null. */
export function writeValueInfo(w: ProtoWriter, name: string, type: ElemType | number, dims: Dim[] | null): void {
  w.string(1, name);
  w.message(2, (t) =>
    t.message(1, (tt) => {
      tt.int(1, typeof type === 'number' ? type : DataType[type]);
      if (dims) {
        tt.message(2, (s) => {
          for (const d of dims) s.message(1, (dw) => (typeof d === 'number' ? dw.int(1, d) : dw.string(2, d)));
        });
      }
    }),
  );
}

/** A ValueInfoProto read back: its name and, where the file states it, its element type. */
export function readValueInfo(r: ProtoReader): { name: string; elemType: number | null } {
  let name = '';
  let elemType: number | null = null;
  const nested = (reader: ProtoReader, field: number, inner: (sub: ProtoReader) => void) =>
    reader.fields((f, w) => (f === field && w === 2 ? (inner(reader.sub()), true) : false));
  r.fields((field, wire) => {
    if (field === 1 && wire === 2) name = r.string();
    else if (field === 2 && wire === 2) {
      // TypeProto.tensor_type (1) → TypeProto.Tensor.elem_type (1)
      nested(r.sub(), 1, (tensor) => tensor.fields((f, w) => (f === 1 && w === 0 ? ((elemType = tensor.varint()), true) : false)));
    } else return false;
    return true;
  });
  return { name, elemType };
}

/** A node as read back: what the rewrites need to decide (integer, float, integer-list and tensor attributes). */
export interface ParsedNode {
  op: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  intAttrs: Record<string, number>;
  floatAttrs: Record<string, number>;
  intsAttrs: Record<string, number[]>;
  /** A `Constant` node's `value`, and any other tensor attribute. */
  tensorAttrs: Record<string, ParsedTensor>;
  /** Inputs read by nodes of subgraphs (If, Loop, Scan), which may name the outer graph's tensors. */
  subgraphInputs: string[];
}

export function readNode(r: ProtoReader): ParsedNode {
  const F = Field.node;
  const node: ParsedNode = { op: '', domain: '', name: '', inputs: [], outputs: [], intAttrs: {}, floatAttrs: {}, intsAttrs: {}, tensorAttrs: {}, subgraphInputs: [] };
  r.fields((field, wire) => {
    if (wire !== 2) return false;
    if (field === F.input) node.inputs.push(r.string());
    else if (field === F.output) node.outputs.push(r.string());
    else if (field === F.name) node.name = r.string();
    else if (field === F.opType) node.op = r.string();
    else if (field === F.domain) node.domain = r.string();
    else if (field === F.attribute) readAttribute(r.sub(), node);
    else return false;
    return true;
  });
  return node;
}

function readAttribute(a: ProtoReader, node: ParsedNode): void {
  const A = Field.attribute;
  let name = '';
  let int: number | null = null;
  let float: number | null = null;
  let tensor: ParsedTensor | null = null;
  const ints: number[] = [];
  a.fields((field, wire) => {
    if (field === A.name && wire === 2) name = a.string();
    else if (field === A.i && wire === 0) int = a.int64();
    else if (field === A.f && wire === 5) {
      float = new DataView(a.bytes.buffer, a.bytes.byteOffset + a.pos, 4).getFloat32(0, true);
      a.pos += 4;
    } else if (field === A.ints) a.packedVarints(wire, ints);
    else if (field === A.t && wire === 2) tensor = readTensor(a.sub());
    else if ((field === A.g || field === A.graphs) && wire === 2) collectGraphInputs(a.sub(), node.subgraphInputs);
    else return false;
    return true;
  });
  if (int !== null) node.intAttrs[name] = int;
  if (float !== null) node.floatAttrs[name] = float;
  if (tensor !== null) node.tensorAttrs[name] = tensor;
  if (ints.length) node.intsAttrs[name] = ints;
}

function collectGraphInputs(graph: ProtoReader, into: string[]): void {
  graph.fields((field, wire) => {
    if (field !== Field.graph.node || wire !== 2) return false;
    const inner = readNode(graph.sub());
    into.push(...inner.inputs, ...inner.subgraphInputs);
    return true;
  });
}

/** An initializer as read back: its shape, type and where its bytes are (nothing copied). */
export interface ParsedTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** raw_data, or typed data fields re-encoded (float_data, int32_data), or a slice of external data. */
  data: TensorData | { floats: number[] } | { int32s: number[] } | null;
}

export function readTensor(r: ProtoReader): ParsedTensor {
  const F = Field.tensor;
  const tensor: ParsedTensor = { name: '', dims: [], dataType: 0, data: null };
  const external: Record<string, string> = {};
  let isExternal = false;
  const floats: number[] = [];
  const int32s: number[] = [];
  r.fields((field, wire) => {
    if (field === F.dims) r.packedVarints(wire, tensor.dims);
    else if (field === F.dataType && wire === 0) tensor.dataType = r.varint();
    else if (field === F.name && wire === 2) tensor.name = r.string();
    else if (field === F.rawData && wire === 2) tensor.data = { inline: r.view() };
    else if (field === F.dataLocation && wire === 0) isExternal = r.varint() === 1;
    else if (field === F.int32Data) r.packedVarints(wire, int32s);
    else if (field === F.floatData && wire === 2) {
      const bytes = r.view();
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i + 4 <= bytes.length; i += 4) floats.push(view.getFloat32(i, true));
    } else if (field === F.floatData && wire === 5) {
      floats.push(new DataView(r.bytes.buffer, r.bytes.byteOffset + r.pos, 4).getFloat32(0, true));
      r.pos += 4;
    } else if (field === F.externalData && wire === 2) {
      const entry = r.sub();
      let key = '';
      let value = '';
      entry.fields((f, w) => {
        if (w !== 2) return false;
        if (f === 1) key = entry.string();
        else if (f === 2) value = entry.string();
        else return false;
        return true;
      });
      external[key] = value;
    } else return false;
    return true;
  });
  if (isExternal) {
    tensor.data = { external: { location: external.location ?? '', offset: Number(external.offset ?? 0), length: Number(external.length ?? -1) } };
  } else if (!tensor.data && floats.length) tensor.data = { floats };
  else if (!tensor.data && int32s.length) tensor.data = { int32s };
  return tensor;
}
