/**
 * Makes a standard ONNX export show its attention: finds each attention block by its graph pattern
 * MatMul(Q, Kᵀ) → [Div/Mul scale] → [Add/Where mask] → Softmax → MatMul(·, V) and appends the
 * tensors of that block to the graph's outputs, so one forward pass returns the attention
 * probabilities (and, for the head view, Q, Kᵀ, V, the scores and the weighted sums).
 *
 * Why a splice and not a decode/re-encode: the weights make up nearly all of the bytes and need no
 * change. Protobuf lets a repeated field's entries appear anywhere in a message, so new
 * `GraphProto.output` entries are appended at the end of the graph's bytes and only the graph's
 * length prefix is rewritten.
 *
 * A graph that fuses attention into one op (MultiHeadAttention, GroupQueryAttention, Attention)
 * keeps its probabilities inside the kernel: the answer is then `fused`, and the panel says so.
 */
import { ProtoReader as Reader, ProtoWriter } from '../graph/protobuf';

/** The tensors of one attention block, by their names in the graph. */
export interface AttentionBlock {
  layer: number;
  /** Softmax output: [batch, heads, seq, seq]. */
  probs: string;
  /** Softmax input: the scaled, masked scores. */
  scores: string;
  /** The first MatMul's inputs: Q [b, h, s, d] and Kᵀ [b, h, d, s] (some exports pre-scale both). */
  query: string;
  keyT: string;
  /** The second MatMul's right input V [b, h, s, d] and its output, the weighted sums [b, h, s, d]. */
  value: string;
  context: string;
}

export type AttentionExposure =
  | { kind: 'exposed'; model: Uint8Array; blocks: AttentionBlock[] }
  /** No block found, but the graph names its maps `attentions.{layer}` (an export made for this panel). */
  | { kind: 'already' }
  | { kind: 'fused'; op: string }
  | { kind: 'not-found' };

export const FUSED_ATTENTION_OPS = ['Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'PackedAttention', 'PackedMultiHeadAttention', 'SparseAttention'];

// Ops that may sit between the scores MatMul and the Softmax (scale, mask, casts).
const BETWEEN_SCORES_AND_SOFTMAX = new Set(['Add', 'Div', 'Mul', 'Where', 'Cast', 'Sub']);
// Ops that may sit between the Softmax and the MatMul with V.
const BETWEEN_SOFTMAX_AND_VALUE = new Set(['Cast', 'Dropout', 'Identity']);
const INT64 = 7;

interface GraphNode {
  inputs: string[];
  outputs: string[];
  op: string;
  /** `to` of a Cast. */
  castTo?: number;
}

interface ParsedGraph {
  nodes: GraphNode[];
  /** Element type of every tensor whose type the file states (inputs, outputs, value_info, initializers). */
  declaredTypes: Map<string, number>;
  outputNames: string[];
  /** Byte range of the GraphProto inside the model, and where its key starts. */
  keyStart: number;
  start: number;
  end: number;
}

const decoder = new TextDecoder();

function readString(reader: Reader): string {
  const sub = reader.sub();
  return decoder.decode(sub.bytes.subarray(sub.pos, sub.end));
}

function readNode(reader: Reader): GraphNode {
  const node: GraphNode = { inputs: [], outputs: [], op: '' };
  reader.fields((field, wire) => {
    if (wire !== 2) return false;
    if (field === 1) node.inputs.push(readString(reader));
    else if (field === 2) node.outputs.push(readString(reader));
    else if (field === 4) node.op = readString(reader);
    else if (field === 5) {
      // AttributeProto: name (1), i (3); only a Cast's `to` is needed.
      const attribute = reader.sub();
      let name = '';
      let value: number | undefined;
      attribute.fields((aField, aWire) => {
        if (aField === 1 && aWire === 2) name = readString(attribute);
        else if (aField === 3 && aWire === 0) value = attribute.varint();
        else return false;
        return true;
      });
      if (name === 'to') node.castTo = value;
    } else return false;
    return true;
  });
  return node;
}

/** ValueInfoProto → (name, TypeProto.tensor_type.elem_type). */
function readValueInfo(reader: Reader): { name: string; elemType?: number } {
  let name = '';
  let elemType: number | undefined;
  reader.fields((field, wire) => {
    if (field === 1 && wire === 2) name = readString(reader);
    else if (field === 2 && wire === 2) {
      const type = reader.sub();
      type.fields((tField, tWire) => {
        if (tField !== 1 || tWire !== 2) return false;
        const tensor = type.sub();
        tensor.fields((eField, eWire) => {
          if (eField !== 1 || eWire !== 0) return false;
          elemType = tensor.varint();
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return { name, elemType };
}

/** TensorProto → (name (8), data_type (2)), skipping the data without copying it. */
function readInitializerType(reader: Reader): { name: string; elemType?: number } {
  let name = '';
  let elemType: number | undefined;
  reader.fields((field, wire) => {
    if (field === 8 && wire === 2) name = readString(reader);
    else if (field === 2 && wire === 0) elemType = reader.varint();
    else return false;
    return true;
  });
  return { name, elemType };
}

function parseGraph(model: Uint8Array): ParsedGraph {
  const top = new Reader(model);
  while (top.pos < top.end) {
    const keyStart = top.pos;
    const key = top.varint();
    if (key !== ((7 << 3) | 2)) {
      top.skip(key & 7);
      continue;
    }
    const graph = top.sub();
    const parsed: ParsedGraph = { nodes: [], declaredTypes: new Map(), outputNames: [], keyStart, start: graph.pos, end: graph.end };
    graph.fields((field, wire) => {
      if (wire !== 2) return false;
      if (field === 1) parsed.nodes.push(readNode(graph.sub()));
      else if (field === 5) {
        const { name, elemType } = readInitializerType(graph.sub());
        if (elemType !== undefined) parsed.declaredTypes.set(name, elemType);
      } else if (field === 11 || field === 12 || field === 13) {
        const { name, elemType } = readValueInfo(graph.sub());
        if (elemType !== undefined) parsed.declaredTypes.set(name, elemType);
        if (field === 12) parsed.outputNames.push(name);
      } else return false;
      return true;
    });
    return parsed;
  }
  throw new Error('the file has no graph');
}

/** Finds the attention blocks of a parsed graph, in node (= layer) order. */
function findBlocks(nodes: GraphNode[]): AttentionBlock[] {
  const producer = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    for (const output of node.outputs) producer.set(output, node);
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  }
  const scoresMatMul = (tensor: string, depth: number): GraphNode | undefined => {
    const node = producer.get(tensor);
    if (!node || depth > 5) return undefined;
    if (node.op === 'MatMul') return node;
    if (!BETWEEN_SCORES_AND_SOFTMAX.has(node.op)) return undefined;
    for (const input of node.inputs) {
      const found = scoresMatMul(input, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const valueMatMul = (tensor: string, depth: number): GraphNode | undefined => {
    for (const node of consumers.get(tensor) ?? []) {
      if (node.op === 'MatMul' && node.inputs[0] === tensor) return node;
      if (BETWEEN_SOFTMAX_AND_VALUE.has(node.op) && depth < 3) {
        const found = valueMatMul(node.outputs[0], depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  const blocks: AttentionBlock[] = [];
  for (const node of nodes) {
    if (node.op !== 'Softmax') continue;
    const first = scoresMatMul(node.inputs[0], 0);
    const second = valueMatMul(node.outputs[0], 0);
    if (!first || !second) continue;
    blocks.push({
      layer: blocks.length, probs: node.outputs[0], scores: node.inputs[0],
      query: first.inputs[0], keyT: first.inputs[1], value: second.inputs[1], context: second.outputs[0],
    });
  }
  return blocks;
}

/** The element type of a tensor: declared, or followed back through the ops that keep their input's type. */
function elemTypeOf(name: string, graph: ParsedGraph, producer: Map<string, GraphNode>, seen = new Set<string>()): number | undefined {
  const declared = graph.declaredTypes.get(name);
  if (declared !== undefined) return declared;
  const node = producer.get(name);
  if (!node || seen.has(name)) return undefined;
  seen.add(name);
  if (node.op === 'Cast') return node.castTo;
  if (node.op === 'Shape' || node.op === 'Size') return INT64;
  // Where(cond, x, y) takes its type from x; every other op on the attention path from its first input.
  const inputs = node.op === 'Where' ? node.inputs.slice(1) : node.inputs;
  for (const input of inputs) {
    const type = input ? elemTypeOf(input, graph, producer, seen) : undefined;
    if (type !== undefined) return type;
  }
  return undefined;
}

/** `model` with `extra` (name → element type) appended to its graph's outputs; the weights' bytes are copied as they are. */
function appendOutputs(model: Uint8Array, graph: ParsedGraph, extra: [string, number][]): Uint8Array {
  // GraphProto (ModelProto field 7): its own bytes, then one output (field 12) ValueInfoProto
  // { name, type { tensor_type { elem_type } } } per extra tensor.
  const graphField = new ProtoWriter()
    .message(7, (g) => {
      g.raw(model.subarray(graph.start, graph.end));
      for (const [name, elemType] of extra) g.message(12, (vi) => vi.string(1, name).message(2, (t) => t.message(1, (tt) => tt.int(1, elemType))));
    })
    .finish();
  const out = new Uint8Array(graph.keyStart + graphField.length + (model.length - graph.end));
  out.set(model.subarray(0, graph.keyStart), 0);
  out.set(graphField, graph.keyStart);
  out.set(model.subarray(graph.end), graph.keyStart + graphField.length);
  return out;
}

/**
 * Exposes every attention block's tensors (see `AttentionBlock`) as graph outputs. Graph outputs are identity copies of the
 * intermediate tensors, so the logits do not change (and ORT's own attention fusion, which would hide
 * them, leaves a block alone once its tensors are outputs).
 */
export function exposeAttention(model: Uint8Array): AttentionExposure {
  const graph = parseGraph(model);
  const blocks = findBlocks(graph.nodes);
  if (!blocks.length) {
    if (graph.outputNames.some((name) => /^attentions\.\d+$/.test(name))) return { kind: 'already' };
    const fused = graph.nodes.find((node) => FUSED_ATTENTION_OPS.includes(node.op));
    return fused ? { kind: 'fused', op: fused.op } : { kind: 'not-found' };
  }
  const producer = new Map<string, GraphNode>();
  for (const node of graph.nodes) for (const output of node.outputs) producer.set(output, node);
  // A graph output names a tensor of the graph, so each tensor is listed under its own name; the
  // runner finds them through `blocks`.
  const extra: [string, number][] = blocks.flatMap((block) =>
    [block.probs, block.query, block.keyT, block.value, block.scores, block.context].map((tensor): [string, number] => [tensor, elemTypeOf(tensor, graph, producer) ?? 1]));
  // A tensor can only be listed once as an output.
  const unique = [...new Map(extra.filter(([name]) => !graph.outputNames.includes(name))).entries()];
  return { kind: 'exposed', model: appendOutputs(model, graph, unique), blocks };
}
