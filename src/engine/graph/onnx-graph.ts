/**
 * An ONNX model's top-level graph, read once to find its nodes and initializers (where each one's bytes
 * lie, nothing copied), and written back with some nodes replaced, some initializers dropped and new
 * ones appended: every other byte of the model is copied as it was, in its order.
 */
import { ProtoReader, ProtoWriter } from './protobuf';
import { DataType, Field, readNode, readTensor, readValueInfo, writeNode, writeValueInfo, writeTensor, type ElemType, type NodeSpec, type ParsedNode, type ParsedTensor, type TensorData } from './onnx-proto';

/** A file of external data (`model.onnx_data`), by the name the graph's tensors give as their location. */
/**
 * A graph this code cannot read. The graph passes do not know the file's name in its folder: the
 * load flow (model-load.ts) reports it as a ModelFormatError naming the file it loaded.
 */
export class GraphFormatError extends Error {
  override name = 'GraphFormatError';
}

export interface ExternalFile {
  path: string;
  data: Uint8Array;
}

export interface Located<T> {
  /** Byte range of the whole field (key included) in the model. */
  start: number;
  end: number;
  value: T;
}

export interface GraphIndex {
  model: Uint8Array;
  graph: { start: number; end: number; bodyStart: number; bodyEnd: number };
  nodes: Located<ParsedNode>[];
  initializers: Located<ParsedTensor>[];
  /** Names of the graph's inputs (old exports list their initializers there too) and outputs. */
  inputs: string[];
  outputs: string[];
  /** The graph's output fields, where each lies (a pass may drop some: see emit-new-kv.ts). */
  outputFields: Located<string>[];
  /** Element type of every tensor whose type the file states (inputs, outputs, value_info, initializers). */
  declaredTypes: Map<string, number>;
}

export function readGraph(model: Uint8Array): GraphIndex {
  const nodes: Located<ParsedNode>[] = [];
  const initializers: Located<ParsedTensor>[] = [];
  const inputs: string[] = [];
  const outputs: string[] = [];
  const outputFields: Located<string>[] = [];
  const declaredTypes = new Map<string, number>();
  let graph: GraphIndex['graph'] | null = null;
  let body: ProtoReader | null = null;
  const top = new ProtoReader(model);
  top.fields((field, wire, start) => {
    if (field !== Field.model.graph || wire !== 2) return false;
    const reader = top.sub();
    body = reader;
    graph = { start, end: top.pos, bodyStart: reader.pos, bodyEnd: reader.end };
    return true;
  });
  if (!graph || !body) throw new GraphFormatError('it has no graph');
  const g: ProtoReader = body;
  g.fields((field, wire, start) => {
    if (wire !== 2) return false;
    if (field === Field.graph.input || field === Field.graph.output || field === Field.graph.valueInfo) {
      const { name, elemType } = readValueInfo(g.sub());
      if (field === Field.graph.input) inputs.push(name);
      else if (field === Field.graph.output) {
        outputs.push(name);
        outputFields.push({ start, end: g.pos, value: name });
      }
      if (elemType !== null) declaredTypes.set(name, elemType);
      return true;
    }
    if (field === Field.graph.node) nodes.push({ start, end: 0, value: readNode(g.sub()) });
    else if (field === Field.graph.initializer) initializers.push({ start, end: 0, value: readTensor(g.sub()) });
    else return false;
    (field === Field.graph.node ? nodes : initializers).at(-1)!.end = g.pos;
    return true;
  });
  for (const { value } of initializers) declaredTypes.set(value.name, value.dataType);
  return { model, graph, nodes, initializers, inputs, outputs, outputFields, declaredTypes };
}

/** A node field, ready to splice into a graph. */
export function nodeField(spec: NodeSpec): Uint8Array {
  return new ProtoWriter().message(Field.graph.node, (w) => writeNode(w, spec)).finish();
}

/** An initializer field, ready to append to a graph. */
export function initializerField(name: string, type: ElemType, dims: number[], data: TensorData): Uint8Array {
  return new ProtoWriter().message(Field.graph.initializer, (w) => writeTensor(w, name, type, dims, data)).finish();
}

/** A graph output field (name and element type, no shape; only the name when the type is unknown), ready to append to a graph. */
export function outputField(name: string, elemType: number | null): Uint8Array {
  return new ProtoWriter().message(Field.graph.output, (w) => (elemType === null ? w.string(1, name) : writeValueInfo(w, name, elemType, null))).finish();
}

export interface GraphEdit {
  /** Nodes to replace, each by zero or more node fields, in place (the graph's order is its topological order). */
  replace: Map<Located<ParsedNode>, Uint8Array[]>;
  /** Initializers (or graph outputs) to leave out. */
  drop: Set<Located<ParsedTensor> | Located<string>>;
  /** Initializer (or output) fields to add at the end of the graph: protobuf lets a repeated field's entries appear anywhere. */
  append: Uint8Array[];
  /** Opset imports to add to the model (e.g. `com.microsoft` for contrib ops). */
  opsets?: { domain: string; version: number }[];
}

export function writeGraph(index: GraphIndex, edit: GraphEdit): Uint8Array {
  const { model, graph } = index;
  const body = new ProtoWriter();
  let cursor = graph.bodyStart;
  const skipped: Located<unknown>[] = [...edit.replace.keys(), ...edit.drop].sort((a, b) => a.start - b.start);
  for (const item of skipped) {
    body.raw(model.subarray(cursor, item.start));
    for (const bytes of edit.replace.get(item as Located<ParsedNode>) ?? []) body.raw(bytes);
    cursor = item.end;
  }
  body.raw(model.subarray(cursor, graph.bodyEnd));
  for (const bytes of edit.append) body.raw(bytes);
  const out = new ProtoWriter().raw(model.subarray(0, graph.start)).bytes(Field.model.graph, body.finish()).raw(model.subarray(graph.end));
  for (const { domain, version } of edit.opsets ?? []) out.message(Field.model.opsetImport, (o) => o.string(1, domain).int(2, version));
  return out.finish();
}

/** An initializer's bytes: a view into the model or its external data (typed fields are re-encoded). */
export function tensorBytes(t: ParsedTensor, external: ExternalFile[]): Uint8Array {
  const data = t.data;
  if (!data) throw new GraphFormatError(`initializer ${t.name} has no data`);
  if ('inline' in data) return data.inline;
  if ('floats' in data) return new Uint8Array(Float32Array.from(data.floats).buffer);
  if ('int32s' in data) {
    // int32_data carries the values of every type narrower than 32 bits, one per entry.
    if (t.dataType === DataType.uint8 || t.dataType === DataType.int8) return Uint8Array.from(data.int32s, (v) => v & 0xff);
    if (t.dataType === DataType.float16) return new Uint8Array(Uint16Array.from(data.int32s).buffer);
    return new Uint8Array(Int32Array.from(data.int32s).buffer);
  }
  const { location, offset, length } = data.external;
  const name = location.split('/').pop();
  const file = external.find((f) => f.path === location || f.path.split('/').pop() === name);
  if (!file) throw new GraphFormatError(`initializer ${t.name} lives in "${location}", which was not loaded with the model`);
  const end = length >= 0 ? offset + length : file.data.length;
  if (end > file.data.length) throw new GraphFormatError(`initializer ${t.name} reaches past the end of "${location}"`);
  return file.data.subarray(offset, end);
}
