/**
 * A memory estimate before loading, checked against what the device can give, so a model that
 * cannot fit is refused with a reason instead of crashing the tab.
 */
import type { DecoderConfig } from '../core/model-config';
import type { Dtype } from './hub';

export interface GpuInfo {
  /** null when WebGPU cannot run here. */
  adapter: { shaderF16: boolean; maxBufferSize: number; maxStorageBufferBindingSize: number } | null;
  /** navigator.deviceMemory in GB (Chrome rounds it and caps it at 8); null where unknown. */
  deviceMemoryGB: number | null;
}

export async function readGpuInfo(): Promise<GpuInfo> {
  const deviceMemory = (globalThis.navigator as Navigator & { deviceMemory?: number } | undefined)?.deviceMemory ?? null;
  try {
    const adapter = await globalThis.navigator?.gpu?.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { adapter: null, deviceMemoryGB: deviceMemory };
    return {
      adapter: {
        shaderF16: adapter.features.has('shader-f16'),
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      },
      deviceMemoryGB: deviceMemory,
    };
  } catch {
    return { adapter: null, deviceMemoryGB: deviceMemory };
  }
}

export interface MemoryEstimate {
  weightsBytes: number;
  /** Keys and values for `contextTokens` tokens. */
  kvCacheBytes: number;
  /** The token embedding matrix, usually the largest single GPU buffer. */
  largestTensorBytes: number;
  totalBytes: number;
  contextTokens: number;
}

// 8-bit and bnb4 exports may keep the embedding in fp32 too; counting it so never under-estimates.
const BYTES_PER_WEIGHT: Record<Dtype, number> = { fp32: 4, fp16: 2, q8: 4, int8: 4, uint8: 4, q4: 4, bnb4: 4, q4f16: 2 };

export function estimateMemory(weightsBytes: number, config: DecoderConfig & { hiddenSize: number }, dtype: Dtype, contextTokens: number): MemoryEstimate {
  const kvElementBytes = dtype === 'fp16' || dtype === 'q4f16' ? 2 : 4;
  const kvCacheBytes = 2 * config.numLayers * config.numKvHeads * config.headDim * contextTokens * kvElementBytes;
  // transformers.js q4 exports keep the embedding un-quantized (fp32 for q4, fp16 for q4f16).
  const largestTensorBytes = config.vocabSize * config.hiddenSize * BYTES_PER_WEIGHT[dtype];
  // Runtime workspace (activations, logits, kernels) on top: a quarter of the weights is what we saw.
  const totalBytes = Math.round(weightsBytes * 1.25 + kvCacheBytes);
  return { weightsBytes, kvCacheBytes, largestTensorBytes, totalBytes, contextTokens };
}

/** Why a model will not fit, or may not; the panel words it. */
export type FitReason =
  | { kind: 'wasm-address-space'; needBytes: number }
  | { kind: 'gpu-buffer'; tensorBytes: number; maxBufferBytes: number }
  | { kind: 'device-memory'; needBytes: number; deviceGB: number };

export type Fit = { level: 'ok' | 'warn' | 'refuse'; reason: FitReason | null };

const WASM_MEMORY_LIMIT = 4 * 1024 ** 3; // wasm32 address space

export function assessFit(estimate: MemoryEstimate, backend: 'webgpu' | 'wasm', gpu: GpuInfo): Fit {
  if (backend === 'wasm' && estimate.totalBytes > WASM_MEMORY_LIMIT) {
    return { level: 'refuse', reason: { kind: 'wasm-address-space', needBytes: estimate.totalBytes } };
  }
  if (backend === 'webgpu' && gpu.adapter && estimate.largestTensorBytes > gpu.adapter.maxBufferSize) {
    return { level: 'refuse', reason: { kind: 'gpu-buffer', tensorBytes: estimate.largestTensorBytes, maxBufferBytes: gpu.adapter.maxBufferSize } };
  }
  if (gpu.deviceMemoryGB !== null && estimate.totalBytes > gpu.deviceMemoryGB * 1024 ** 3 * 0.5) {
    return { level: 'warn', reason: { kind: 'device-memory', needBytes: estimate.totalBytes, deviceGB: gpu.deviceMemoryGB } };
  }
  return { level: 'ok', reason: null };
}
