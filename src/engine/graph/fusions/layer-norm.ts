import type { GraphView } from '../graph-view';
import { MS, type Edits, type Fusion } from './edits';
import { residualBefore } from './residual';

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

export const layerNormFusion: Fusion = { name: 'layer-norm', apply: (g, edits) => ({ skipLayerNorms: fuseLayerNorms(g, edits) }) };
