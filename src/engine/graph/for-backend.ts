/**
 * The graph a backend gets: on WASM, 4-bit `MatMulNBits` nodes are rewritten first (see
 * rewrite-matmul-nbits.ts); on WebGPU, whose runtime has its own fast kernel for them, the exporters'
 * chains of small ops are fused into contrib ops instead (see fuse-decoder.ts).
 */
import type { Backend, GraphFusionNote, GraphRewriteNote } from '../../core/protocol';
import { rewriteMatMulNBits, type ExternalFile } from './rewrite-matmul-nbits';
import { fuseDecoderGraph } from './fuse-decoder';

export interface BackendGraph {
  onnx: Uint8Array;
  externalData: ExternalFile[];
  /** What was changed; absent when the graph is used as it is. */
  graphRewrite?: GraphRewriteNote;
  graphFusion?: GraphFusionNote;
}

export interface BackendGraphOptions {
  /** The model's context length: rows of the rotary tables a fused graph carries. */
  contextLength: number;
  /** Leave the WebGPU graph as downloaded (the benchmark's side-by-side of fused and unfused). */
  noFusion?: boolean;
}

export function graphForBackend(backend: Backend, model: { onnx: Uint8Array; externalData: ExternalFile[] }, options: BackendGraphOptions): BackendGraph {
  if (backend === 'webgpu') {
    const fused = options.noFusion ? null : fuseDecoderGraph(model.onnx, model.externalData, { maxPositions: options.contextLength });
    return fused ? { onnx: fused.onnx, externalData: model.externalData, graphFusion: fused.note } : { onnx: model.onnx, externalData: model.externalData };
  }
  const rewritten = rewriteMatMulNBits(model.onnx, model.externalData);
  if (!rewritten) return { onnx: model.onnx, externalData: model.externalData };
  return { onnx: rewritten.onnx, externalData: rewritten.externalData, graphRewrite: rewritten.note };
}
