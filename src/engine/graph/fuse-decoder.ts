/**
 * Load-time fusions, on both backends: onnxruntime-web runs every op of a graph as a step of its own
 * (on WebGPU one GPU dispatch; its optimizer fuses none of these for JSEP, measured: the same dispatch
 * count at `graphOptimizationLevel: 'all'` as a bare loop), and exporters (torch.onnx, Optimum) leave
 * RMSNorm, rotary embeddings, attention and SiLU spelled out in elementwise ops. Each pattern is a
 * fusion of its own in fusions/, run in the order of `FUSIONS` (attention first: it claims the most
 * nodes), each checking every node it takes and every assumption it makes; a layer that does not
 * match exactly stays as exported, and the other layers are still fused. Only float32 graphs are
 * fused (half-precision exports put Casts around norms and softmax that these do not model).
 * Here: the registry, and writing the graph once, dropping what only the replaced nodes read.
 */
import type { GraphFusionNote } from '../../core/protocol';
import { nodeField, readGraph, writeGraph, type ExternalFile } from './onnx-graph';
import { GraphView, type GraphNode } from './graph-view';
import { Edits, MS, type FuseOptions, type Fusion, type FusionCounts } from './fusions/edits';
import { attentionFusion } from './fusions/attention';
import { rmsNormFusion } from './fusions/rms-norm';
import { layerNormFusion } from './fusions/layer-norm';
import { siluFusion } from './fusions/silu';

export type { FuseOptions };

export interface FusedGraph {
  onnx: Uint8Array;
  note: GraphFusionNote;
}

/** Every fusion, in the order they claim nodes. */
export const FUSIONS: readonly Fusion[] = [attentionFusion, rmsNormFusion, layerNormFusion, siluFusion];

/** Null when nothing in the graph matched. */
export function fuseDecoderGraph(onnx: Uint8Array, externalData: ExternalFile[], options: FuseOptions): FusedGraph | null {
  const started = performance.now();
  const index = readGraph(onnx);
  const g = new GraphView(index, externalData);
  if (g.hasFloat16()) return null;
  const edits = new Edits();
  const counts: FusionCounts = { attentions: 0, rmsNorms: 0, skipRmsNorms: 0, skipLayerNorms: 0, silus: 0 };
  for (const fusion of FUSIONS) Object.assign(counts, fusion.apply(g, edits, options));
  if (!edits.placed.size) return null;

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
    note: { fusion: 'contrib-ops', ...counts, nodesBefore: index.nodes.length, nodesAfter, ms: performance.now() - started },
  };
}
