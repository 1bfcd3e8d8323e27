/** `x · Sigmoid(x)` (SiLU) becomes QuickGelu with α = 1, which is the same function. */
import type { GraphView } from '../graph-view';
import { MS, type Edits, type Fusion } from './edits';

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

export const siluFusion: Fusion = { name: 'silu', apply: (g, edits) => ({ silus: fuseSilu(g, edits) }) };
