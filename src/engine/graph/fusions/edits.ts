/**
 * What the fusions collect before the graph is written once: the nodes each fusion covers, the new
 * nodes that take the place of a host node, and new initializers. A node taken by one fusion is never
 * matched by another.
 */
import type { NodeSpec } from '../onnx-proto';
import type { GraphNode, GraphView } from '../graph-view';

/** The contrib ops' domain. */
export const MS = 'com.microsoft';

export interface FuseOptions {
  /** Rows of the rotary cos/sin caches: the model's context length. */
  maxPositions: number;
}

/** How many of each fused node a graph got (the note the model bar and the benchmark show). */
export interface FusionCounts {
  attentions: number;
  rmsNorms: number;
  skipRmsNorms: number;
  skipLayerNorms: number;
  silus: number;
}

/** One fusion pattern: matches what it can in `g`, records its rewrites in `edits`, and says how many. */
export interface Fusion {
  name: string;
  apply(g: GraphView, edits: Edits, options: FuseOptions): Partial<FusionCounts>;
}

/** Rewrites and the nodes they replace; the host is the node whose place the new nodes take. */
export class Edits {
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
