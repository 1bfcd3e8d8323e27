/**
 * Load-time fusions for onnxruntime-web's WebGPU execution provider (JSEP), which runs every op of the
 * graph as it is: exporters (torch.onnx, Optimum) leave RMSNorm, rotary embeddings, attention and SiLU
 * spelled out in elementwise ops, ~52 GPU dispatches per Llama layer for one decode token, and on a
 * real GPU a small model's decode is bound by that CPU-side encoding, not by arithmetic. The runtime's
 * own graph optimizer does not fuse these for JSEP at any level (measured: the same dispatch count at
 * `graphOptimizationLevel: 'all'` as a bare loop), so we rewrite the patterns into the contrib ops the
 * EP implements:
 *   Pow → ReduceMean → Add(ε) → Sqrt → Div(1, ·) → Mul(x, ·) → Mul(γ, ·)   ⇒ SimplifiedLayerNormalization
 *   residual Add, then that norm                                              ⇒ SkipSimplifiedLayerNormalization
 *   x · Sigmoid(x)                                                            ⇒ QuickGelu(α = 1) (= SiLU)
 *   Reshape/Transpose q,k,v → rotate-half rotary → concat past → q·kᵀ·scale → causal mask → Softmax → ·v
 *                                                          ⇒ RotaryEmbedding ×2 + GroupQueryAttention
 * Every match is checked op by op; anything unexpected leaves that part of the graph as it was. Only
 * float32 graphs are fused (half-precision exports put Casts around norms and softmax that this does
 * not model). GroupQueryAttention takes its causal mask from `seqlens_k` = Σ attention_mask − 1, which
 * equals the exported mask because the engine never pads (batch 1, all-ones mask).
 */
import type { GraphFusionNote } from '../../core/protocol';
import { initializerField, nodeField, readGraph, writeGraph, type ExternalFile } from './onnx-graph';
import type { NodeSpec } from './onnx-proto';
import { GraphView, type GraphNode } from './graph-view';

const MS = 'com.microsoft';

export interface FusedGraph {
  onnx: Uint8Array;
  note: GraphFusionNote;
}

export interface FuseOptions {
  /** Rows of the rotary cos/sin caches: the model's context length. */
  maxPositions: number;
}

/** Rewrites and the nodes they replace; the host is the node whose place the new nodes take. */
class Edits {
  readonly removed = new Set<GraphNode>();
  readonly placed = new Map<GraphNode, NodeSpec[]>();
  readonly tensors: Uint8Array[] = [];
  taken(node: GraphNode): boolean {
    return this.removed.has(node);
  }
  replace(host: GraphNode, covered: GraphNode[], specs: NodeSpec[]): void {
    for (const node of covered) this.removed.add(node);
    this.removed.add(host);
    this.placed.set(host, [...(this.placed.get(host) ?? []), ...specs]);
  }
}

/** Null when nothing in the graph matched. */
export function fuseDecoderGraph(onnx: Uint8Array, externalData: ExternalFile[], options: FuseOptions): FusedGraph | null {
  const started = performance.now();
  const index = readGraph(onnx);
  const g = new GraphView(index, externalData);
  if (g.hasFloat16()) return null;
  const edits = new Edits();
  const attentions = fuseAttention(g, edits, options);
  const { plain, skip } = fuseRmsNorms(g, edits);
  const layerNorms = fuseLayerNorms(g, edits);
  const silus = fuseSilu(g, edits);
  if (!attentions && !plain && !skip && !layerNorms && !silus) return null;

  // Nodes only the fused ones read (shape arithmetic, the mask, cos/sin) go too: a reverse liveness pass.
  const live = new Set(g.graphOutputs);
  const keep = new Set<GraphNode>();
  for (let i = index.nodes.length - 1; i >= 0; i--) {
    const node = index.nodes[i];
    const specs = edits.placed.get(node);
    if (specs) {
      for (const spec of specs) for (const input of spec.inputs) live.add(input);
      continue;
    }
    if (edits.removed.has(node) || !node.value.outputs.some((o) => live.has(o))) continue;
    keep.add(node);
    for (const input of [...node.value.inputs, ...node.value.subgraphInputs]) live.add(input);
  }
  const replace = new Map<GraphNode, Uint8Array[]>();
  for (const node of index.nodes) {
    const specs = edits.placed.get(node);
    if (specs) replace.set(node, specs.map(nodeField));
    else if (!keep.has(node)) replace.set(node, []);
  }
  // Initializers only the replaced nodes read (weights packed anew, the mask's constants) are left out.
  // (Not those an old export also lists as graph inputs: the input would be left without its value.)
  const declared = new Set(index.inputs);
  const drop = new Set(index.initializers.filter((i) => !live.has(i.value.name) && !declared.has(i.value.name)));
  const model = writeGraph(index, { replace, drop, append: edits.tensors, opsets: [{ domain: MS, version: 1 }] });
  const nodesAfter = keep.size + [...edits.placed.values()].reduce((a, s) => a + s.length, 0);
  return {
    onnx: model,
    note: { fusion: 'contrib-ops', attentions, rmsNorms: plain, skipRmsNorms: skip, skipLayerNorms: layerNorms, silus, nodesBefore: index.nodes.length, nodesAfter, ms: performance.now() - started },
  };
}

// ---------------------------------------------------------------------------------------------- RMSNorm

interface RmsNorm {
  /** The normalized input (after any float32 Cast), the weight γ, ε, and the nodes of the chain before its last Mul. */
  x: string;
  weight: string;
  epsilon: number;
  nodes: GraphNode[];
}

/**
 * `Mul(γ, x · 1/Sqrt(ReduceMean(x²) + ε))`, the chain ending at `last`, in the spellings exporters use:
 * x² as `Pow(x, 2)` or `Mul(x, x)`; the division as `Mul(x, Div(1, ·))`, `Mul(x, Reciprocal(·))` or `Div(x, ·)`.
 */
function matchRmsNorm(g: GraphView, last: GraphNode): RmsNorm | null {
  const n = last.value;
  if (n.op !== 'Mul' || n.domain) return null;
  const weightAt = n.inputs.findIndex((i) => g.initializer(i)?.dims.length === 1);
  if (weightAt < 0) return null;
  const normed = g.producer(n.inputs[1 - weightAt]);
  if (!normed || !g.onlyReadBy(normed.value.outputs[0], last)) return null;
  // (x, the Sqrt node, the nodes between them and `normed`)
  const splits: [string, GraphNode | null, GraphNode[]][] = [];
  if (normed.value.op === 'Div') splits.push([normed.value.inputs[0], g.producer(normed.value.inputs[1], 'Sqrt'), []]);
  else if (normed.value.op === 'Mul') {
    for (const rAt of [0, 1]) {
      const inv = g.producer(normed.value.inputs[rAt]);
      if (!inv || !g.onlyReadBy(inv.value.outputs[0], normed)) continue;
      let sqrt: GraphNode | null = null;
      if (inv.value.op === 'Div' && g.scalar(inv.value.inputs[0]) === 1) sqrt = g.producer(inv.value.inputs[1], 'Sqrt');
      else if (inv.value.op === 'Reciprocal') sqrt = g.producer(inv.value.inputs[0], 'Sqrt');
      splits.push([normed.value.inputs[1 - rAt], sqrt, [inv]]);
    }
  }
  for (const [x, sqrt, between] of splits) {
    if (!sqrt || !g.onlyReadBy(sqrt.value.outputs[0], between[0] ?? normed)) continue;
    const add = g.producer(sqrt.value.inputs[0], 'Add');
    if (!add || !g.onlyReadBy(add.value.outputs[0], sqrt)) continue;
    const epsAt = add.value.inputs.findIndex((i) => g.scalar(i) !== null);
    if (epsAt < 0) continue;
    const mean = g.producer(add.value.inputs[1 - epsAt], 'ReduceMean');
    if (!mean || !g.onlyReadBy(mean.value.outputs[0], add)) continue;
    const axes = mean.value.intsAttrs.axes ?? (mean.value.inputs[1] ? g.constant(mean.value.inputs[1]) : null);
    if (!axes || axes.length !== 1 || (axes[0] !== -1 && axes[0] !== 2) || mean.value.intAttrs.keepdims === 0) continue;
    const square = g.producer(mean.value.inputs[0]);
    const squares =
      square &&
      ((square.value.op === 'Pow' && square.value.inputs[0] === x && g.scalar(square.value.inputs[1]) === 2) ||
        (square.value.op === 'Mul' && square.value.inputs[0] === x && square.value.inputs[1] === x));
    if (!squares || !g.onlyReadBy(square.value.outputs[0], mean)) continue;
    return { x, weight: n.inputs[weightAt], epsilon: g.scalar(add.value.inputs[epsAt])!, nodes: [square, mean, add, sqrt, ...between, normed] };
  }
  return null;
}

/**
 * The residual Add right before a norm (through float32 Casts, which change nothing here), which the
 * norm can take in as its skip input. With `foldBias`, a bias Add on one side (a projection's `+ b`,
 * read only by the residual Add) joins too, as the fused norm's bias input.
 */
interface Residual {
  add: GraphNode;
  input: string;
  skip: string;
  bias: string | null;
  covered: GraphNode[];
}

function residualBefore(g: GraphView, edits: Edits, x: string, foldBias: boolean): Residual | null {
  const add = g.producer(g.throughCasts(x), 'Add');
  if (!add || edits.taken(add) || add.value.inputs.some((i) => g.constantTensor(i) !== null)) return null;
  // Whatever reads the sum between the Add and the norm must still find it: the fused node takes the Add's place.
  const place = g.index.nodes.indexOf(add);
  if (!g.readersOf(add.value.outputs[0]).every((r) => g.index.nodes.indexOf(r) > place)) return null;
  const [a, b] = add.value.inputs;
  if (foldBias) {
    for (const [input, skip] of [[a, b], [b, a]]) {
      const biasAdd = g.producer(input, 'Add');
      if (!biasAdd || edits.taken(biasAdd) || !g.onlyReadBy(input, add)) continue;
      const biasAt = biasAdd.value.inputs.findIndex((i) => g.initializer(i)?.dims.length === 1);
      if (biasAt < 0 || g.constantTensor(biasAdd.value.inputs[1 - biasAt]) !== null) continue;
      return { add, input: biasAdd.value.inputs[1 - biasAt], skip, bias: biasAdd.value.inputs[biasAt], covered: [biasAdd] };
    }
  }
  return { add, input: a, skip: b, bias: null, covered: [] };
}

function fuseRmsNorms(g: GraphView, edits: Edits): { plain: number; skip: number } {
  let plain = 0;
  let skip = 0;
  for (const node of g.index.nodes) {
    if (edits.taken(node)) continue;
    const norm = matchRmsNorm(g, node);
    if (!norm || norm.nodes.some((n) => edits.taken(n))) continue;
    const out = node.value.outputs[0];
    // (onnxruntime-web's JSEP reads SkipSimplifiedLayerNormalization's bias from the wrong input: no bias here.)
    const residual = residualBefore(g, edits, norm.x, false);
    if (residual) {
      edits.replace(residual.add, [...norm.nodes, node], [
        { op: 'SkipSimplifiedLayerNormalization', inputs: [residual.input, residual.skip, norm.weight], outputs: [out, '', '', residual.add.value.outputs[0]], attrs: { epsilon: { float: norm.epsilon } }, domain: MS, name: `${out}/tl_fused_skip_norm` },
      ]);
      skip++;
    } else {
      edits.replace(node, norm.nodes, [
        { op: 'SimplifiedLayerNormalization', inputs: [norm.x, norm.weight], outputs: [out], attrs: { axis: -1, epsilon: { float: norm.epsilon }, stash_type: 1 }, domain: '', name: `${out}/tl_fused_norm` },
      ]);
      plain++;
    }
  }
  return { plain, skip };
}

/** LayerNormalization (GPT-2 style) with the residual Add, and a projection's bias, before it: SkipLayerNormalization. */
function fuseLayerNorms(g: GraphView, edits: Edits): number {
  let count = 0;
  for (const node of g.index.nodes) {
    const n = node.value;
    if (n.op !== 'LayerNormalization' || n.domain || edits.taken(node) || n.outputs.length !== 1) continue;
    const [x, gamma, beta] = n.inputs;
    if ((n.intAttrs.axis ?? -1) !== -1 || g.initializer(gamma)?.dims.length !== 1) continue;
    const hasBeta = Boolean(beta) && g.initializer(beta)?.dims.length === 1;
    if (beta && !hasBeta) continue;
    const residual = residualBefore(g, edits, x, hasBeta);
    if (!residual) continue;
    const out = n.outputs[0];
    const inputs = [residual.input, residual.skip, gamma, ...(hasBeta ? [beta] : []), ...(residual.bias ? [residual.bias] : [])];
    edits.replace(residual.add, [...residual.covered, node], [
      { op: 'SkipLayerNormalization', inputs, outputs: [out, '', '', residual.add.value.outputs[0]], attrs: { epsilon: { float: n.floatAttrs.epsilon ?? 1e-5 } }, domain: MS, name: `${out}/tl_fused_skip_layer_norm` },
    ]);
    count++;
  }
  return count;
}

// ------------------------------------------------------------------------------------------------- SiLU

function fuseSilu(g: GraphView, edits: Edits): number {
  let count = 0;
  for (const node of g.index.nodes) {
    const n = node.value;
    if (n.op !== 'Mul' || n.domain || edits.taken(node)) continue;
    for (const at of [0, 1]) {
      const sigmoid = g.producer(n.inputs[at], 'Sigmoid');
      if (!sigmoid || sigmoid.value.inputs[0] !== n.inputs[1 - at] || !g.onlyReadBy(sigmoid.value.outputs[0], node) || edits.taken(sigmoid)) continue;
      edits.replace(node, [sigmoid], [{ op: 'QuickGelu', inputs: [n.inputs[1 - at]], outputs: [n.outputs[0]], attrs: { alpha: { float: 1 } }, domain: MS, name: `${n.outputs[0]}/tl_fused_silu` }]);
      count++;
      break;
    }
  }
  return count;
}

// -------------------------------------------------------------------------------------------- Attention

/** `Transpose(perm 0,2,1,3)` of `Reshape(projection, [b, s, heads, headDim])`: the projection in (B, S, heads·headDim). */
function matchHeadSplit(g: GraphView, name: string): { projection: string; heads: number; headDim: number } | null {
  const transpose = g.producer(name, 'Transpose');
  if (!transpose || String(transpose.value.intsAttrs.perm) !== '0,2,1,3') return null;
  const reshape = g.producer(transpose.value.inputs[0], 'Reshape');
  if (!reshape) return null;
  const dims = shapeConstants(g, reshape.value.inputs[1]);
  if (!dims || dims.length !== 4 || !(dims[2] > 0 && dims[3] > 0)) return null;
  return { projection: reshape.value.inputs[0], heads: dims[2], headDim: dims[3] };
}

/** A Reshape's target shape where its last entries are constants (dynamic batch and length entries as -1). */
function shapeConstants(g: GraphView, name: string): number[] | null {
  const whole = g.constant(name);
  if (whole) return whole;
  const concat = g.producer(name, 'Concat');
  if (!concat) return null;
  return concat.value.inputs.map((i) => {
    const values = g.constant(i);
    return values && values.length === 1 ? values[0] : -1;
  });
}

/** Follows Unsqueeze / Reshape / Transpose back from `name`; returns the tensor they reshape. */
function throughViews(g: GraphView, name: string, allowTranspose: boolean): { source: string; transposed: boolean } {
  let transposed = false;
  for (;;) {
    const node = g.producer(name);
    if (!node) return { source: name, transposed };
    const op = node.value.op;
    if (op === 'Unsqueeze' || op === 'Reshape') name = node.value.inputs[0];
    else if (op === 'Transpose' && allowTranspose && !transposed) {
      transposed = true;
      name = node.value.inputs[0];
    } else return { source: name, transposed };
  }
}

/**
 * Where a layer's rotary angles come from, shared by the layers that use the same: `key` is the Cos node
 * (angles computed from position · inv_freq) or the Gather that looks cos up by position in a table.
 */
interface RotarySource {
  key: GraphNode;
  /** The cos and sin tables RotaryEmbedding reads: [rows, headDim/2]. */
  tables(maxPositions: number): { cos: Float32Array; sin: Float32Array; rows: number; half: number };
}

interface Rotary {
  /** The head-split tensor (B, heads, S, headDim) the rotation applies to. */
  input: string;
  source: RotarySource;
  nodes: GraphNode[];
}

/** `x·cos + rotate_half(x)·sin` with rotate_half(x) = concat(−x[…, d/2:], x[…, :d/2]). */
function matchRotary(g: GraphView, name: string, headDim: number): Rotary | null {
  const add = g.producer(name, 'Add');
  if (!add) return null;
  const [m0, m1] = add.value.inputs.map((i) => g.producer(i, 'Mul'));
  if (!m0 || !m1) return null;
  for (const [withCos, withSin] of [[m0, m1], [m1, m0]]) {
    const concatAt = withSin.value.inputs.findIndex((i) => g.producer(i, 'Concat'));
    if (concatAt < 0) continue;
    const concat = g.producer(withSin.value.inputs[concatAt], 'Concat')!;
    const axis = concat.value.intAttrs.axis;
    if (concat.value.inputs.length !== 2 || (axis !== -1 && axis !== 3)) continue;
    const neg = g.producer(concat.value.inputs[0], 'Neg');
    const second = neg && g.producer(neg.value.inputs[0], 'Slice');
    const first = g.producer(concat.value.inputs[1], 'Slice');
    if (!second || !first) continue;
    const x = first.value.inputs[0];
    if (second.value.inputs[0] !== x || g.scalar(first.value.inputs[1]) !== 0) continue;
    const xAt = withCos.value.inputs.indexOf(x);
    if (xAt < 0) continue;
    const source = rotarySource(g, withCos.value.inputs[1 - xAt], withSin.value.inputs[1 - concatAt], headDim);
    if (!source) continue;
    return { input: x, source, nodes: [add, m0, m1, concat, neg, second, first] };
  }
  return null;
}

/** Back from a rotary multiplier through Unsqueeze / float Cast to the node that makes it. */
function throughUnsqueezes(g: GraphView, name: string): GraphNode | null {
  for (;;) {
    const node = g.producer(name);
    if (!node || (node.value.op !== 'Unsqueeze' && !(node.value.op === 'Cast' && node.value.intAttrs.to === 1))) return node;
    name = node.value.inputs[0];
  }
}

/**
 * The cos and sin multipliers' source: `Cos`/`Sin` of the same angles computed from `position_ids`, or
 * rows of cos/sin tables gathered by `position_ids`, each row [c, c] (the two halves equal, as rotate-half needs).
 */
function rotarySource(g: GraphView, cosName: string, sinName: string, headDim: number): RotarySource | null {
  const cos = throughUnsqueezes(g, cosName);
  const sin = throughUnsqueezes(g, sinName);
  if (!cos || !sin) return null;
  const half = headDim / 2;
  if (cos.value.op === 'Cos' && sin.value.op === 'Sin' && cos.value.inputs[0] === sin.value.inputs[0]) {
    const invFreq = inverseFrequencies(g, cos.value.inputs[0], headDim);
    return invFreq ? { key: cos, tables: (rows) => ({ ...rotaryCaches(invFreq, rows), rows, half }) } : null;
  }
  const table = (gather: GraphNode) => {
    const { inputs, intAttrs } = gather.value;
    if (gather.value.op !== 'Gather' || (intAttrs.axis ?? 0) !== 0 || inputs[1] !== 'position_ids') return null;
    const dims = g.initializer(inputs[0])?.dims;
    const values = g.floats(inputs[0]);
    if (!dims || dims.length !== 2 || dims[1] !== headDim || !values) return null;
    const halves = new Float32Array(dims[0] * half);
    for (let r = 0; r < dims[0]; r++) {
      for (let j = 0; j < half; j++) {
        if (values[r * headDim + j] !== values[r * headDim + half + j]) return null;
        halves[r * half + j] = values[r * headDim + j];
      }
    }
    return halves;
  };
  const cosTable = table(cos);
  const sinTable = table(sin);
  if (!cosTable || !sinTable) return null;
  const rows = cosTable.length / half;
  return { key: cos, tables: () => ({ cos: cosTable, sin: sinTable, rows, half }) };
}

/**
 * The angles are `concat(f, f)` with `f = position · inv_freq` (as `Mul`, or `MatMul` + `Transpose` in
 * newer exports) of `position_ids`: finds inv_freq, the one float constant of headDim/2 numbers there.
 */
function inverseFrequencies(g: GraphView, angles: string, headDim: number): number[] | null {
  const concat = g.producer(angles, 'Concat');
  if (!concat || concat.value.inputs.length !== 2 || concat.value.inputs[0] !== concat.value.inputs[1]) return null;
  let found: number[] | null = null;
  let readsPositions = false;
  const visit = (name: string, depth: number) => {
    if (name === 'position_ids') readsPositions = true;
    const values = g.constant(name);
    if (values && values.length === headDim / 2 && g.constantTensor(name)!.dataType === 1) found = values;
    const node = g.producer(name);
    if (!node || depth > 6 || node.value.op === 'Constant') return;
    for (const input of node.value.inputs) if (input) visit(input, depth + 1);
  };
  visit(concat.value.inputs[0], 0);
  return readsPositions ? found : null;
}

/** Rows = positions, columns = frequencies: cos/sin of `p · inv_freq[j]`, in float32 as the graph computes it. */
function rotaryCaches(invFreq: number[], maxPositions: number): { cos: Float32Array; sin: Float32Array } {
  const half = invFreq.length;
  const cos = new Float32Array(maxPositions * half);
  const sin = new Float32Array(maxPositions * half);
  for (let p = 0; p < maxPositions; p++) {
    for (let j = 0; j < half; j++) {
      const angle = Math.fround(p * Math.fround(invFreq[j]));
      cos[p * half + j] = Math.cos(angle);
      sin[p * half + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

interface Attention {
  q: { projection: string; heads: number };
  k: { projection: string; heads: number };
  v: { projection: string };
  headDim: number;
  scale: number;
  /** Null for a model without rotary positions. */
  rotary: RotarySource | null;
  past: { key: string; value: string };
  present: { key: string; value: string };
  output: string;
  /** The node writing `output`, whose place GroupQueryAttention takes, and the nodes it replaces. */
  host: GraphNode;
  nodes: GraphNode[];
}

/** The past/present pair of a `Concat(past, new)` along the sequence axis that writes a graph output. */
function matchCacheConcat(g: GraphView, present: string): { past: string; added: string; node: GraphNode } | null {
  const concat = g.producer(present, 'Concat');
  const axis = concat?.value.intAttrs.axis;
  if (!concat || concat.value.inputs.length !== 2 || (axis !== 2 && axis !== -2) || !g.graphOutputs.has(present)) return null;
  const [past, added] = concat.value.inputs;
  return past.startsWith('past_key_values.') ? { past, added, node: concat } : null;
}

function matchAttention(g: GraphView, softmax: GraphNode): Attention | null {
  const sm = softmax.value;
  if ((sm.intAttrs.axis ?? -1) !== -1 && sm.intAttrs.axis !== 4 && sm.intAttrs.axis !== 3) return null;
  const nodes: GraphNode[] = [softmax];
  const step = (name: string, op: string) => {
    const node = g.producer(name, op);
    if (node) nodes.push(node);
    return node;
  };
  // Scores: [Cast] ← Where(mask, s, −∞) ← Div(qk, c) | Mul(qk, c) ← MatMul(q, kᵀ)
  let into = sm.inputs[0];
  const castIn = step(into, 'Cast');
  if (castIn) into = castIn.value.inputs[0];
  // The mask: Where(hidden, −∞, s) or s + a float bias (0 or a large negative number).
  const masked = g.producer(into);
  if (!masked || (masked.value.op !== 'Where' && masked.value.op !== 'Add')) return null;
  nodes.push(masked);
  const scoresAt = masked.value.op === 'Where' ? 1 : [0, 1].find((i) => ['Div', 'Mul'].includes(g.producer(masked.value.inputs[i])?.value.op ?? ''));
  if (scoresAt === undefined || (masked.value.op === 'Where' && g.constant(masked.value.inputs[2]) === null)) return null;
  const scaled = g.producer(masked.value.inputs[scoresAt]);
  if (!scaled || (scaled.value.op !== 'Div' && scaled.value.op !== 'Mul')) return null;
  nodes.push(scaled);
  const c = g.scalar(scaled.value.inputs[1]);
  if (c === null || c === 0) return null;
  const scale = scaled.value.op === 'Div' ? 1 / c : c;
  const qk = step(scaled.value.inputs[0], 'MatMul');
  if (!qk) return null;

  // Output: Softmax → [Cast] → MatMul(p, v) → Reshape/Transpose(0,2,1,3)/Reshape → the projection's input.
  let probs = sm.outputs[0];
  const readers = g.readersOf(probs);
  if (readers.length !== 1 || g.graphOutputs.has(probs)) return null;
  if (readers[0].value.op === 'Cast') {
    nodes.push(readers[0]);
    probs = readers[0].value.outputs[0];
  }
  const pv = g.readersOf(probs);
  if (pv.length !== 1 || pv[0].value.op !== 'MatMul' || pv[0].value.inputs[0] !== probs) return null;
  nodes.push(pv[0]);
  let output = pv[0].value.outputs[0];
  let host = pv[0];
  let transposes = 0;
  for (;;) {
    const next = g.readersOf(output);
    if (next.length !== 1 || g.graphOutputs.has(output)) break;
    const op = next[0].value.op;
    if (op !== 'Reshape' && op !== 'Transpose') break;
    if (op === 'Transpose') {
      if (String(next[0].value.intsAttrs.perm) !== '0,2,1,3') return null;
      transposes++;
    }
    host = next[0];
    nodes.push(host);
    output = host.value.outputs[0];
  }
  if (transposes !== 1 || host.value.op !== 'Reshape') return null;

  // Keys and values: present = Concat(past, new) along the sequence axis.
  const kSide = throughViews(g, qk.value.inputs[1], true);
  const vSide = throughViews(g, pv[0].value.inputs[1], false);
  if (!kSide.transposed) return null;
  const kCache = matchCacheConcat(g, kSide.source);
  const vCache = matchCacheConcat(g, vSide.source);
  if (!kCache || !vCache) return null;
  nodes.push(kCache.node, vCache.node);

  const qSide = throughViews(g, qk.value.inputs[0], false);
  const vSplit = matchHeadSplit(g, vCache.added);
  if (!vSplit) return null;
  const headDim = vSplit.headDim;
  // Rotary positions on q and k (Llama), or none (GPT-2's learned positions were added to the embeddings).
  const qRotary = matchRotary(g, qSide.source, headDim);
  const kRotary = matchRotary(g, kCache.added, headDim);
  if (Boolean(qRotary) !== Boolean(kRotary) || (qRotary && qRotary.source.key !== kRotary!.source.key)) return null;
  const qSplit = matchHeadSplit(g, qRotary?.input ?? qSide.source);
  const kSplit = matchHeadSplit(g, kRotary?.input ?? kCache.added);
  if (!qSplit || !kSplit || qSplit.headDim !== headDim || kSplit.headDim !== headDim || kSplit.heads !== vSplit.heads || qSplit.heads % kSplit.heads) return null;
  if (qRotary && kRotary) nodes.push(...qRotary.nodes, ...kRotary.nodes);
  return {
    q: { projection: qSplit.projection, heads: qSplit.heads },
    k: { projection: kSplit.projection, heads: kSplit.heads },
    v: { projection: vSplit.projection },
    headDim,
    scale,
    rotary: qRotary?.source ?? null,
    past: { key: kCache.past, value: vCache.past },
    present: { key: kSide.source, value: vSide.source },
    output,
    host,
    nodes,
  };
}

function fuseAttention(g: GraphView, edits: Edits, options: FuseOptions): number {
  const inputs = new Set(g.index.nodes.flatMap((n) => n.value.inputs));
  if (!inputs.has('attention_mask')) return 0;
  const matches = g.index.nodes.filter((n) => n.value.op === 'Softmax' && !n.value.domain).map((n) => matchAttention(g, n));
  if (!matches.length || matches.some((m) => m === null)) return 0; // all layers or none: one cache layout
  const found = matches as Attention[];
  // RotaryEmbedding reads the positions the exported graph read.
  if (found.some((a) => a.rotary) && !inputs.has('position_ids')) return 0;
  const caches = new Map<GraphNode, { cos: string; sin: string }>();
  // GroupQueryAttention reads the causal extent from seqlens_k = Σ mask − 1 and the total length, int32.
  const seqlens = '/tl_fused/seqlens_k';
  const total = '/tl_fused/total_sequence_length';
  const shared: NodeSpec[] = [
    { op: 'ReduceSum', inputs: ['attention_mask', '/tl_fused/axis_1'], outputs: ['/tl_fused/mask_sum'], attrs: { keepdims: 0 }, domain: '' },
    { op: 'Sub', inputs: ['/tl_fused/mask_sum', '/tl_fused/one'], outputs: ['/tl_fused/seqlens_k_int64'], attrs: {}, domain: '' },
    { op: 'Cast', inputs: ['/tl_fused/seqlens_k_int64'], outputs: [seqlens], attrs: { to: 6 }, domain: '' },
    { op: 'Shape', inputs: ['attention_mask'], outputs: ['/tl_fused/mask_shape'], attrs: {}, domain: '' },
    { op: 'Gather', inputs: ['/tl_fused/mask_shape', '/tl_fused/axis_1_scalar'], outputs: ['/tl_fused/total_int64'], attrs: { axis: 0 }, domain: '' },
    { op: 'Cast', inputs: ['/tl_fused/total_int64'], outputs: [total], attrs: { to: 6 }, domain: '' },
  ];
  const int64 = (values: number[]) => ({ inline: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });
  edits.tensors.push(
    initializerField('/tl_fused/axis_1', 'int64', [1], int64([1])),
    initializerField('/tl_fused/one', 'int64', [1], int64([1])),
    initializerField('/tl_fused/axis_1_scalar', 'int64', [], int64([1])),
  );
  found.forEach((a, layer) => {
    const p = `/tl_fused/layer_${layer}`;
    const rotary = a.rotary;
    let q = a.q.projection;
    let k = a.k.projection;
    const specs: NodeSpec[] = layer === 0 ? [...shared] : [];
    if (rotary) {
      let cache = caches.get(rotary.key);
      if (!cache) {
        const { cos, sin, rows, half } = rotary.tables(options.maxPositions);
        cache = { cos: `/tl_fused/cos_cache_${caches.size}`, sin: `/tl_fused/sin_cache_${caches.size}` };
        edits.tensors.push(initializerField(cache.cos, 'float', [rows, half], { inline: new Uint8Array(cos.buffer) }), initializerField(cache.sin, 'float', [rows, half], { inline: new Uint8Array(sin.buffer) }));
        caches.set(rotary.key, cache);
      }
      const rotate = (x: string, heads: number, out: string): string => {
        specs.push({ op: 'RotaryEmbedding', inputs: [x, 'position_ids', cache!.cos, cache!.sin], outputs: [out], attrs: { interleaved: 0, num_heads: heads }, domain: MS, name: out });
        return out;
      };
      q = rotate(q, a.q.heads, `${p}/q_rotary`);
      k = rotate(k, a.k.heads, `${p}/k_rotary`);
    }
    let v = a.v.projection;
    const packed = rotary ? null : packProjections(g, [a.q.projection, a.k.projection, a.v.projection], `${p}/qkv`);
    if (packed) {
      // One product (and one bias Add) for q, k and v; GroupQueryAttention splits them.
      edits.tensors.push(...packed.tensors);
      specs.push(...packed.specs);
      a.nodes.push(...packed.covered);
      [q, k, v] = [packed.output, '', ''];
    }
    specs.push({
      op: 'GroupQueryAttention',
      inputs: [q, k, v, a.past.key, a.past.value, seqlens, total],
      outputs: [a.output, a.present.key, a.present.value],
      attrs: { num_heads: a.q.heads, kv_num_heads: a.k.heads, scale: { float: a.scale }, do_rotary: 0, local_window_size: -1 },
      domain: MS,
      name: `${p}/attention`,
    });
    edits.replace(a.host, a.nodes, specs);
  });
  return found.length;
}

/** `MatMul(x, W)` or `MatMul(x, W) + b`, W a float32 [in, out] initializer and b a float32 [out] one. */
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
    const biasAt = add.value.inputs.findIndex((i) => g.initializer(i)?.dims.length === 1 && g.initializer(i)!.dataType === 1);
    if (biasAt < 0) return null;
    bias = add.value.inputs[biasAt];
    matmul = g.producer(add.value.inputs[1 - biasAt], 'MatMul');
    if (!matmul || !g.onlyReadBy(matmul.value.outputs[0], add)) return null;
  }
  if (!matmul) return null;
  const [x, weight] = matmul.value.inputs;
  const w = g.initializer(weight);
  if (!w || w.dims.length !== 2 || w.dataType !== 1 || (bias && g.initializer(bias)!.dims[0] !== w.dims[1])) return null;
  return { x, weight, bias, nodes: add ? [matmul, add] : [matmul] };
}

/**
 * q, k and v as one product on weights laid side by side, [in, out_q + out_k + out_v] (biases too):
 * one MatMul (and one Add) instead of three, where all three read the same input the same way and
 * nothing else reads their weights or results. Null where they do not.
 */
function packProjections(g: GraphView, outputs: string[], name: string): { output: string; specs: NodeSpec[]; tensors: Uint8Array[]; covered: GraphNode[] } | null {
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
