import type { GraphNode, GraphView } from '../graph-view';
import type { Edits } from './edits';

/**
 * The residual Add right before a norm (through float32 Casts, which change nothing here), which the
 * norm can take in as its skip input. With `foldBias`, a bias Add on one side (a projection's `+ b`,
 * read only by the residual Add) joins too, as the fused norm's bias input.
 */
export interface Residual {
  add: GraphNode;
  input: string;
  skip: string;
  bias: string | null;
  covered: GraphNode[];
}

export function residualBefore(g: GraphView, edits: Edits, x: string, foldBias: boolean): Residual | null {
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
