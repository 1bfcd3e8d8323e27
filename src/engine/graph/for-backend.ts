/**
 * The graph a backend gets: as downloaded, except on WASM, where 4-bit `MatMulNBits` nodes are
 * rewritten first (see rewrite-matmul-nbits.ts). WebGPU's runtime has its own fast kernel for them.
 */
import type { Backend, GraphRewriteNote } from '../../core/protocol';
import { rewriteMatMulNBits, type ExternalFile } from './rewrite-matmul-nbits';

export interface BackendGraph {
  onnx: Uint8Array;
  externalData: ExternalFile[];
  /** What was changed; absent when the graph is used as it is. */
  graphRewrite?: GraphRewriteNote;
}

export function graphForBackend(backend: Backend, model: { onnx: Uint8Array; externalData: ExternalFile[] }): BackendGraph {
  const rewritten = backend === 'wasm' ? rewriteMatMulNBits(model.onnx, model.externalData) : null;
  if (!rewritten) return { onnx: model.onnx, externalData: model.externalData };
  return { onnx: rewritten.onnx, externalData: rewritten.externalData, graphRewrite: rewritten.note };
}
