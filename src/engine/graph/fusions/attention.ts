/**
 * Attention with its KV cache, as exporters spell it,
 *   Reshape/Transpose q,k,v → [rotary] → concat past → q·kᵀ·scale → causal mask → Softmax → ·v,
 * becomes [RotaryEmbedding ×2 +] GroupQueryAttention, layer by layer: a layer that does not match
 * exactly stays as exported.
 */
import { DataType, type NodeSpec } from '../onnx-proto';
import { initializerField } from '../onnx-graph';
import type { GraphNode, GraphView } from '../graph-view';
import { MS, type Edits, type FuseOptions, type Fusion } from './edits';
import { matchRotary, type RotarySource } from './rotary';
import { packProjections } from './pack-qkv';
import { isCausalAdditiveMask, isCausalCondition, isHiddenScore } from './causal-mask';
import { matchAttentionBlock } from '../attention-blocks';

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
  // The block as the one attention matcher finds it; then every op between its products, exactly.
  const block = matchAttentionBlock(g, softmax);
  if (!block) return null;
  // Scores: [Cast] ← Where(visible, s, −∞) | s + causal mask ← Div(qk, c) | Mul(qk, c) ← MatMul(q, kᵀ)
  let into = sm.inputs[0];
  const castIn = step(into, 'Cast');
  if (castIn) into = castIn.value.inputs[0];
  const masked = g.producer(into);
  if (!masked || (masked.value.op !== 'Where' && masked.value.op !== 'Add')) return null;
  nodes.push(masked);
  // GroupQueryAttention applies the causal mask and nothing else: any other mask (ALiBi, a finite
  // "hidden" score) must stay, so the layer is left as exported.
  const scoresAt = masked.value.op === 'Where' ? 1 : [0, 1].find((i) => ['Div', 'Mul'].includes(g.producer(masked.value.inputs[i])?.value.op ?? ''));
  if (scoresAt === undefined) return null;
  if (masked.value.op === 'Where') {
    const hidden = g.scalar(masked.value.inputs[2]);
    if (hidden === null || !isHiddenScore(hidden) || !isCausalCondition(g, masked.value.inputs[0])) return null;
  } else if (!isCausalAdditiveMask(g, masked.value.inputs[1 - scoresAt])) return null;
  const scaled = g.producer(masked.value.inputs[scoresAt]);
  if (!scaled || (scaled.value.op !== 'Div' && scaled.value.op !== 'Mul')) return null;
  nodes.push(scaled);
  const c = g.scalar(scaled.value.inputs[1]);
  if (c === null || c === 0) return null;
  const scale = scaled.value.op === 'Div' ? 1 / c : c;
  const qk = step(scaled.value.inputs[0], 'MatMul');
  if (qk !== block.scoresProduct) return null;

  // Output: Softmax → [Cast] → MatMul(p, v) → Reshape/Transpose(0,2,1,3)/Reshape → the projection's input.
  let probs = sm.outputs[0];
  const readers = g.readersOf(probs);
  if (readers.length !== 1 || g.graphOutputs.has(probs)) return null;
  if (readers[0].value.op === 'Cast') {
    nodes.push(readers[0]);
    probs = readers[0].value.outputs[0];
  }
  const pv = g.readersOf(probs);
  if (pv.length !== 1 || pv[0] !== block.valueProduct || pv[0].value.inputs[0] !== probs) return null;
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
  // Layer by layer: GroupQueryAttention reads and writes the cache in the layout the export's Concat
  // does ([batch, kv heads, length, head dim]), so fused and unfused layers share one feed plan.
  // RotaryEmbedding reads the positions the exported graph read: without position_ids, a rotary layer stays.
  const found = g.index.nodes
    .filter((n) => n.value.op === 'Softmax' && !n.value.domain)
    .map((n) => matchAttention(g, n))
    .filter((a): a is Attention => a !== null && (!a.rotary || inputs.has('position_ids')));
  if (!found.length) return 0;
  const caches = new Map<GraphNode, { cos: string; sin: string }>();
  // GroupQueryAttention reads the causal extent from seqlens_k = Σ mask − 1 and the total length, int32.
  const seqlens = '/tl_fused/seqlens_k';
  const total = '/tl_fused/total_sequence_length';
  const shared: NodeSpec[] = [
    { op: 'ReduceSum', inputs: ['attention_mask', '/tl_fused/axis_1'], outputs: ['/tl_fused/mask_sum'], attrs: { keepdims: 0 }, domain: '' },
    { op: 'Sub', inputs: ['/tl_fused/mask_sum', '/tl_fused/one'], outputs: ['/tl_fused/seqlens_k_int64'], attrs: {}, domain: '' },
    { op: 'Cast', inputs: ['/tl_fused/seqlens_k_int64'], outputs: [seqlens], attrs: { to: DataType.int32 }, domain: '' },
    { op: 'Shape', inputs: ['attention_mask'], outputs: ['/tl_fused/mask_shape'], attrs: {}, domain: '' },
    { op: 'Gather', inputs: ['/tl_fused/mask_shape', '/tl_fused/axis_1_scalar'], outputs: ['/tl_fused/total_int64'], attrs: { axis: 0 }, domain: '' },
    { op: 'Cast', inputs: ['/tl_fused/total_int64'], outputs: [total], attrs: { to: DataType.int32 }, domain: '' },
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


export const attentionFusion: Fusion = { name: 'attention', apply: (g, edits, options) => ({ attentions: fuseAttention(g, edits, options) }) };
