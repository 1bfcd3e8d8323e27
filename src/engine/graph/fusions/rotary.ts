/**
 * Rotary positions as exporters spell them (rotate-half on q and k, cos/sin computed from
 * position_ids or gathered from tables), matched so RotaryEmbedding can take their place.
 */
import { DataType } from '../onnx-proto';
import type { GraphNode, GraphView } from '../graph-view';

/**
 * Where a layer's rotary angles come from, shared by the layers that use the same: `key` is the Cos node
 * (angles computed from position · inv_freq) or the Gather that looks cos up by position in a table.
 */
export interface RotarySource {
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
export function matchRotary(g: GraphView, name: string, headDim: number): Rotary | null {
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
    if (!node || (node.value.op !== 'Unsqueeze' && !(node.value.op === 'Cast' && node.value.intAttrs.to === DataType.float))) return node;
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
    if (values && values.length === headDim / 2 && g.constantTensor(name)!.dataType === DataType.float) found = values;
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
