/**
 * A read-only view of a graph for pattern matching: who produces and who reads each tensor, and the
 * value of small constants (`Constant` nodes or initializers). Edits are collected separately
 * (see fuse-decoder.ts) and written with writeGraph.
 */
import { DataType, type ParsedNode, type ParsedTensor } from './onnx-proto';
import { tensorBytes, type ExternalFile, type GraphIndex, type Located } from './onnx-graph';

export type GraphNode = Located<ParsedNode>;

export class GraphView {
  private readonly producers = new Map<string, GraphNode>();
  private readonly readers = new Map<string, GraphNode[]>();
  private readonly initializers: Map<string, ParsedTensor>;
  /** Graph outputs count as readers no edit may take away. */
  readonly graphOutputs: Set<string>;

  constructor(
    readonly index: GraphIndex,
    private readonly external: ExternalFile[],
  ) {
    for (const node of index.nodes) {
      for (const output of node.value.outputs) if (output) this.producers.set(output, node);
      for (const input of [...node.value.inputs, ...node.value.subgraphInputs]) {
        if (!input) continue;
        const list = this.readers.get(input);
        if (list) list.push(node);
        else this.readers.set(input, [node]);
      }
    }
    this.initializers = new Map(index.initializers.map((i) => [i.value.name, i.value]));
    this.graphOutputs = new Set(index.outputs);
  }

  producer(name: string, op?: string): GraphNode | null {
    const node = this.producers.get(name) ?? null;
    return node && (op === undefined || node.value.op === op) ? node : null;
  }

  readersOf(name: string): GraphNode[] {
    return this.readers.get(name) ?? [];
  }

  /** Whether `name` is read by exactly one node and is no graph output: safe to fold into a fused op. */
  onlyReadBy(name: string, node: GraphNode): boolean {
    const readers = this.readersOf(name);
    return !this.graphOutputs.has(name) && readers.length > 0 && readers.every((r) => r === node);
  }

  initializer(name: string): ParsedTensor | null {
    return this.initializers.get(name) ?? null;
  }

  /** The tensor behind a constant input: an initializer or a `Constant` node's value. */
  constantTensor(name: string): ParsedTensor | null {
    const init = this.initializers.get(name);
    if (init) return init;
    const node = this.producer(name, 'Constant');
    return node?.value.tensorAttrs.value ?? null;
  }

  /** A small constant's numbers (float, int32 or int64), or null when `name` is not a constant. */
  constant(name: string): number[] | null {
    const tensor = this.constantTensor(name);
    if (!tensor?.data) return null;
    if (tensor.dataType === DataType.float) {
      const floats = this.floats(name);
      return floats && [...floats];
    }
    if ('int32s' in tensor.data) return tensor.data.int32s;
    const bytes = tensorBytes(tensor, this.external).slice(); // aligned copy
    if (tensor.dataType === DataType.int32) return [...new Int32Array(bytes.buffer)];
    if (tensor.dataType === DataType.int64) return Array.from(new BigInt64Array(bytes.buffer), Number);
    return null;
  }

  /** A float32 constant's numbers (a table or a scalar), or null. */
  floats(name: string): Float32Array | null {
    const tensor = this.constantTensor(name);
    if (!tensor?.data || tensor.dataType !== DataType.float) return null;
    if ('floats' in tensor.data) return Float32Array.from(tensor.data.floats);
    if ('int32s' in tensor.data) return null;
    return new Float32Array(tensorBytes(tensor, this.external).slice().buffer);
  }

  /** A scalar constant (one element, any rank), or null. */
  scalar(name: string): number | null {
    const values = this.constant(name);
    return values && values.length === 1 ? values[0] : null;
  }

  /** Follows `Cast`s to float32 back to what they read: in a float32 graph they change nothing. */
  throughCasts(name: string): string {
    let node = this.producer(name, 'Cast');
    while (node && node.value.intAttrs.to === DataType.float) {
      name = node.value.inputs[0];
      node = this.producer(name, 'Cast');
    }
    return name;
  }

  /** Whether any initializer or constant is half precision (the fusions here are for float32 graphs). */
  hasFloat16(): boolean {
    if (this.index.initializers.some((i) => i.value.dataType === DataType.float16)) return true;
    return this.index.nodes.some((n) => n.value.op === 'Constant' && n.value.tensorAttrs.value?.dataType === DataType.float16);
  }
}
