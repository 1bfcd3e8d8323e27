/**
 * The graph a backend gets: weights stored in fp16 behind a Cast are widened to float32 first (see
 * widen-weights.ts); on WASM, 4-bit `MatMulNBits` nodes are unpacked first (see
 * rewrite-matmul-nbits.ts; WebGPU's runtime has its own fast kernel for them); then, on both backends,
 * the exporters' chains of small ops are fused into contrib ops (see fuse-decoder.ts): fewer dispatches
 * per token on WebGPU, and on WASM fewer kernel launches and tensor copies (tl-gpt decode 3.0×, the
 * fixture 1.8×, measured side by side on onnxruntime-web's WASM build). Last, on WASM only, each step
 * outputs just its new keys and values instead of the whole cache (see emit-new-kv.ts); on WebGPU
 * GroupQueryAttention's seqlens_k becomes an input the engine feeds from the GPU (seqlens-input.ts).
 */
import type { Backend, GraphFusionNote, GraphRewriteNote } from '../../core/protocol';
import { rewriteMatMulNBits, type ExternalFile } from './rewrite-matmul-nbits';
import { fuseDecoderGraph } from './fuse-decoder';
import { emitNewKv } from './emit-new-kv';
import { seqlensAsInput } from './seqlens-input';
import { widenWeights } from './widen-weights';

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
  /** Fuse the exporters' chains (default); the lesson's graph is not fused: its maps need the spelled-out Softmax. */
  fuse?: boolean;
}

export function graphForBackend(backend: Backend, model: { onnx: Uint8Array; externalData: ExternalFile[] }, options: BackendGraphOptions): BackendGraph {
  const widened = widenWeights(model.onnx, model.externalData);
  const source = widened ? { onnx: widened.onnx, externalData: model.externalData } : model;
  const rewritten = backend === 'wasm' ? rewriteMatMulNBits(source.onnx, source.externalData) : null;
  const base = rewritten ?? source;
  const fused = options.fuse === false ? null : fuseDecoderGraph(base.onnx, base.externalData, { maxPositions: options.contextLength });
  // On WASM a step then outputs only its new keys and values; the engine keeps the cache (kvPath 'append').
  const appended = backend === 'wasm' && options.fuse !== false ? emitNewKv(fused?.onnx ?? base.onnx) : null;
  // On WebGPU the engine feeds GroupQueryAttention's seqlens_k from a GPU buffer of its own (no upload per step).
  const seqlensFed = backend === 'webgpu' && options.fuse !== false ? seqlensAsInput(fused?.onnx ?? base.onnx) : null;
  return {
    onnx: appended?.onnx ?? seqlensFed ?? fused?.onnx ?? base.onnx,
    externalData: base.externalData,
    ...(rewritten ? { graphRewrite: rewritten.note } : {}),
    ...(fused ? { graphFusion: fused.note } : {}),
  };
}
