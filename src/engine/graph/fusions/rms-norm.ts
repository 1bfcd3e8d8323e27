/**
 * RMSNorm as exporters spell it, `Mul(γ, x · 1/Sqrt(ReduceMean(x²) + ε))`, becomes
 * SimplifiedLayerNormalization, or SkipSimplifiedLayerNormalization with the residual Add before it.
 */
import type { GraphNode, GraphView } from '../graph-view';
import { MS, type Edits, type Fusion } from './edits';
import { residualBefore } from './residual';

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


export const rmsNormFusion: Fusion = { name: 'rms-norm', apply: (g, edits) => {
  const { plain, skip } = fuseRmsNorms(g, edits);
  return { rmsNorms: plain, skipRmsNorms: skip };
} };
