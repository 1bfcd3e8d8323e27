/**
 * A load-time pass for WASM: a decoder step outputs only the keys and values of its new positions,
 * not the whole `present.*` cache. onnxruntime-web's WASM build copies every fetched output out of
 * its memory into a new array after each run, so fetching `present.*` costs a copy that grows with
 * the context (25 MB a step at 1,024 tokens of synthetic gpt-25m). With this pass the engine keeps
 * the cache itself (append-kv-cache.ts) and fetches a few rows a step.
 *
 * It applies where every attention is a GroupQueryAttention (the exporters' own, or ours from the
 * fusions) that reads `past_key_values.N.*` straight from the graph's inputs and writes
 * `present.N.*` straight to its outputs, with rotary positions applied before it (`do_rotary` 0), so
 * that its `key`/`value` inputs (or the packed `query`) are exactly the rows the cache gains. Those
 * tensors are renamed `new_kv.N.key` and `new_kv.N.value` (or `new_kv.N.qkv`, packed) and made graph
 * outputs, and `present.*` stop being graph outputs: the attention still builds its present
 * internally, it is just not copied out. Renaming rather than adding Identity nodes matters: on a
 * small model each extra node costs about as much as a layer's arithmetic (measured: +15 % CPU time
 * per step on tl-gpt with one Identity per new output). GroupQueryAttention reads a past that is right-padded to any length (its
 * valid rows come from `seqlens_k`), which is what lets the engine pass its whole buffers as the past.
 * Any other graph is left as exported (null), and the engine feeds it `present.*` as before.
 */
import { ProtoReader, ProtoWriter } from './protobuf';
import { Field } from './onnx-proto';
import { outputField, readGraph, writeGraph } from './onnx-graph';
import { GraphView, type GraphNode } from './graph-view';

const MS = 'com.microsoft';
const PAST_PREFIX = 'past_key_values.';
const PRESENT_PREFIX = 'present.';
/** Outputs this pass adds: `new_kv.<same suffix as the past input>`, e.g. `new_kv.0.key`, or `new_kv.0.qkv` (packed). */
export const NEW_KV_PREFIX = 'new_kv.';
const PACKED = 'qkv';

/** The output carrying a past input's new rows (`new_kv.0.key`, or the layer's packed `new_kv.0.qkv`), or null. */
export function newKvOutputFor(pastInput: string, outputNames: readonly string[]): string | null {
  if (!pastInput.startsWith(PAST_PREFIX)) return null;
  const suffix = pastInput.slice(PAST_PREFIX.length);
  const own = NEW_KV_PREFIX + suffix;
  if (outputNames.includes(own)) return own;
  const packed = NEW_KV_PREFIX + suffix.replace(/\.(key|value)$/, '') + '.' + PACKED;
  return outputNames.includes(packed) ? packed : null;
}

export interface NewKvGraph {
  onnx: Uint8Array;
  /** Attention layers whose new keys and values are now outputs. */
  layers: number;
}

/** The past inputs a GroupQueryAttention reads and the present outputs it writes, or null when it is not the simple case. */
function matchAttention(g: GraphView, node: GraphNode): { suffixes: [string, string]; renames: [string, string][] } | null {
  const { inputs, outputs, intAttrs } = node.value;
  const [query, key, value, pastKey, pastValue] = inputs;
  const [, presentKey, presentValue] = outputs;
  if (intAttrs.do_rotary || !query || !pastKey || !pastValue || !presentKey || !presentValue) return null;
  if (!pastKey.startsWith(PAST_PREFIX) || !pastValue.startsWith(PAST_PREFIX)) return null;
  const suffixes: [string, string] = [pastKey.slice(PAST_PREFIX.length), pastValue.slice(PAST_PREFIX.length)];
  if (presentKey !== PRESENT_PREFIX + suffixes[0] || presentValue !== PRESENT_PREFIX + suffixes[1]) return null;
  if (!g.graphOutputs.has(presentKey) || !g.graphOutputs.has(presentValue)) return null;
  // The present is dropped from the outputs: nothing else may read it.
  if (g.readersOf(presentKey).length || g.readersOf(presentValue).length) return null;
  if (!key !== !value) return null;
  // Each renamed tensor comes from a node (not a graph input or initializer) and only this attention reads it.
  const renamable = (name: string) => g.producer(name) !== null && g.onlyReadBy(name, node);
  if (key) {
    if (!renamable(key) || !renamable(value) || key === value) return null;
    return { suffixes, renames: [[key, NEW_KV_PREFIX + suffixes[0]], [value, NEW_KV_PREFIX + suffixes[1]]] };
  }
  // Packed q/k/v (key and value empty): the new rows are the query's tail, one output for both.
  const layer = /^(.*)\.key$/.exec(suffixes[0])?.[1];
  if (!layer || suffixes[1] !== `${layer}.value` || !renamable(query)) return null;
  return { suffixes, renames: [[query, `${NEW_KV_PREFIX}${layer}.${PACKED}`]] };
}

/** A node field with some input/output names replaced; every other field copied as it was. */
export function renamedNode(model: Uint8Array, node: GraphNode, renames: Map<string, string>): Uint8Array {
  const reader = new ProtoReader(model, node.start);
  reader.varint(); // the field's key
  const content = reader.sub();
  const out = new ProtoWriter();
  content.fields((field, wire, start) => {
    if ((field === Field.node.input || field === Field.node.output) && wire === 2) {
      const name = content.string();
      out.string(field, renames.get(name) ?? name);
    } else {
      content.skip(wire);
      out.raw(model.subarray(start, content.pos));
    }
    return true;
  });
  return new ProtoWriter().bytes(Field.graph.node, out.finish()).finish();
}

/** Null when the graph is not one this pass recognises (it then runs as exported). */
export function emitNewKv(onnx: Uint8Array): NewKvGraph | null {
  const index = readGraph(onnx);
  const g = new GraphView(index, []);
  const pasts = index.inputs.filter((name) => name.startsWith(PAST_PREFIX));
  if (!pasts.length || index.outputs.some((name) => name.startsWith(NEW_KV_PREFIX))) return null;
  const attentions = index.nodes.filter((n) => n.value.op === 'GroupQueryAttention' && n.value.domain === MS);
  const matched = attentions.map((node) => ({ node, match: matchAttention(g, node) }));
  if (!matched.length || matched.some((m) => m.match === null)) return null;
  // Every past input is read by exactly one of these attentions, and by nothing else (no Shape of it).
  const covered = new Set<string>();
  for (const { node, match } of matched) {
    for (const suffix of match!.suffixes) {
      const past = PAST_PREFIX + suffix;
      if (covered.has(past) || g.readersOf(past).some((r) => r !== node)) return null;
      covered.add(past);
    }
  }
  if (pasts.some((p) => !covered.has(p)) || index.outputs.some((o) => o.startsWith(PRESENT_PREFIX) && !covered.has(PAST_PREFIX + o.slice(PRESENT_PREFIX.length)))) return null;

  /** Renames per node that reads or writes a renamed tensor. */
  const nodeRenames = new Map<GraphNode, Map<string, string>>();
  const newOutputs: Uint8Array[] = [];
  for (const { node, match } of matched) {
    const { suffixes, renames } = match!;
    const type = index.declaredTypes.get(PAST_PREFIX + suffixes[0]);
    for (const [from, to] of renames) {
      for (const touched of [g.producer(from)!, node]) {
        const map = nodeRenames.get(touched) ?? new Map<string, string>();
        nodeRenames.set(touched, map.set(from, to));
      }
      // The past's element type, no shape: the runtime's is [1, new positions, width].
      newOutputs.push(outputField(to, type ?? null));
    }
  }
  const replace = new Map([...nodeRenames].map(([node, renames]) => [node, [renamedNode(index.model, node, renames)]]));
  const drop = new Set(index.outputFields.filter((o) => o.value.startsWith(PRESENT_PREFIX)));
  return { onnx: writeGraph(index, { replace, drop, append: newOutputs }), layers: matched.length };
}
