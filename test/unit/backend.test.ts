import { describe, expect, it } from 'vitest';
import { checkFloat16Support, checkWebGpuKernels, planBackends, probeWebGpu, sessionBuildFailure, softwareAdapterName } from '../../src/engine/backend';
import { WebGpuUnavailableError, describeWebGpuUnavailable } from '../../src/core/errors';
import { OnnxGraph } from '../../src/bench/worker/synthetic/onnx-builder';

const AVAILABLE = { unavailable: null };
const UNAVAILABLE = { unavailable: { code: 'no-webgpu-api', detail: null } } as const;

function fakeGpu(requestAdapter: (options?: GPURequestAdapterOptions) => Promise<GPUAdapter | null>): GPU {
  return { requestAdapter } as unknown as GPU;
}

describe('planBackends', () => {
  it('auto with WebGPU available tries WebGPU first, then falls back to WASM', () => {
    expect(planBackends('auto', AVAILABLE)).toEqual({ order: ['webgpu', 'wasm'], skipReason: null });
  });

  it('auto without WebGPU uses WASM and keeps the reason for the user', () => {
    expect(planBackends('auto', UNAVAILABLE)).toEqual({ order: ['wasm'], skipReason: UNAVAILABLE.unavailable });
  });

  it('wasm is used alone whether or not WebGPU is available, with no skip reason', () => {
    expect(planBackends('wasm', AVAILABLE)).toEqual({ order: ['wasm'], skipReason: null });
    expect(planBackends('wasm', UNAVAILABLE)).toEqual({ order: ['wasm'], skipReason: null });
  });

  it('forced webgpu with WebGPU available uses WebGPU only (no silent fallback)', () => {
    expect(planBackends('webgpu', AVAILABLE)).toEqual({ order: ['webgpu'], skipReason: null });
  });

  it('forced webgpu without WebGPU throws an error naming the reason and suggesting WASM', () => {
    let caught: unknown;
    try {
      planBackends('webgpu', { unavailable: { code: 'no-adapter', detail: null } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebGpuUnavailableError);
    const error = caught as Error;
    expect(error.name).toBe('WebGpuUnavailableError');
    expect(error.message).toContain('no usable GPU adapter');
    expect((caught as WebGpuUnavailableError).params).toMatchObject({ code: 'no-adapter' });
    expect(error.message).toMatch(/WASM/);
  });
});

describe('probeWebGpu', () => {
  it('reports a missing navigator.gpu', async () => {
    const probe = await probeWebGpu(undefined);
    expect(probe.unavailable?.code).toBe('no-webgpu-api');
    expect(describeWebGpuUnavailable(probe.unavailable!)).toMatch(/no WebGPU API/);
  });

  it('reports when no adapter is found', async () => {
    const probe = await probeWebGpu(fakeGpu(async () => null));
    expect(probe.unavailable?.code).toBe('no-adapter');
    expect(describeWebGpuUnavailable(probe.unavailable!)).toMatch(/no usable GPU adapter/);
  });

  it('reports a failing adapter request with its message', async () => {
    const probe = await probeWebGpu(fakeGpu(async () => Promise.reject(new Error('GPU process crashed'))));
    expect(probe.unavailable).toEqual({ code: 'adapter-request-failed', detail: 'GPU process crashed' });
    expect(describeWebGpuUnavailable(probe.unavailable!)).toMatch(/requesting a GPU adapter failed: GPU process crashed/);
  });

  it('reports WebGPU as available when an adapter is found, asking for the high-performance GPU', async () => {
    const requests: (GPURequestAdapterOptions | undefined)[] = [];
    const probe = await probeWebGpu(
      fakeGpu(async (options) => {
        requests.push(options);
        return { features: new Set(), limits: {} } as unknown as GPUAdapter;
      }),
    );
    expect(probe).toEqual({ unavailable: null, shaderF16: false, softwareAdapter: null });
    expect(requests).toEqual([{ powerPreference: 'high-performance' }]);
  });

  it('feeds planBackends end to end: a rejected adapter request makes auto fall back to WASM', async () => {
    const probe = await probeWebGpu(fakeGpu(async () => Promise.reject(new Error('blocklisted driver'))));
    const plan = planBackends('auto', probe);
    expect(plan.order).toEqual(['wasm']);
    expect(plan.skipReason?.detail).toBe('blocklisted driver');
    expect(() => planBackends('webgpu', probe)).toThrow(/blocklisted driver/);
  });
});

describe('fp16 graphs on WebGPU', () => {
  const probeWith = async (features: string[]) => probeWebGpu(fakeGpu(async () => ({ features: new Set(features), limits: {} }) as unknown as GPUAdapter));

  it('are refused on a GPU without shader-f16, with a reason that names the remedy, and so fall back to WASM', async () => {
    const probe = await probeWith([]);
    let refusal: unknown;
    try {
      checkFloat16Support('webgpu', true, probe);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(WebGpuUnavailableError);
    expect((refusal as Error).message).toMatch(/no shader-f16 support.*choose an fp32 or q4 dtype/);
    expect(sessionBuildFailure(refusal)).toEqual({ code: 'no-shader-f16', detail: null });
  });

  it('run where the GPU has shader-f16, and fp32 graphs and WASM are never refused', async () => {
    expect(() => checkFloat16Support('webgpu', true, { unavailable: null, shaderF16: true })).not.toThrow();
    const withoutF16 = await probeWith([]);
    expect(() => checkFloat16Support('webgpu', false, withoutF16)).not.toThrow();
    expect(() => checkFloat16Support('wasm', true, withoutF16)).not.toThrow();
    expect((await probeWith(['shader-f16'])).shaderF16).toBe(true);
  });
});

describe('8-bit (MatMulInteger) graphs on WebGPU', () => {
  /** x [1, 4] float → DynamicQuantizeLinear → MatMulInteger with an int8 weight, or a plain MatMul. */
  function graph(eightBit: boolean): Uint8Array {
    const g = new OnnxGraph();
    const x = g.input('x', 'float', [1, 4]);
    if (eightBit) {
      const [q, , zero] = g.node('DynamicQuantizeLinear', [x], {}, 3);
      const w = g.constant('int8', [4, 2], [1, -1, 2, -2, 3, -3, 4, -4]);
      g.op('MatMulInteger', [q, w, zero], {}, 'y');
      g.output('y', 'int32', [1, 2]);
    } else {
      g.op('MatMul', [x, g.constant('float', [4, 2], [1, 0, 0, 1, 1, 0, 0, 1])], {}, 'y');
      g.output('y', 'float', [1, 2]);
    }
    return g.build().model;
  }

  it('are refused on WebGPU, where onnxruntime-web 1.30 decodes them wrongly, so Auto runs them on WASM and says why', () => {
    let refusal: unknown;
    try {
      checkWebGpuKernels('webgpu', graph(true));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(WebGpuUnavailableError);
    expect((refusal as Error).message).toMatch(/8-bit \(MatMulInteger\) models wrongly on WebGPU; choose the q4 or fp32 dtype/);
    expect(sessionBuildFailure(refusal)).toEqual({ code: 'wrong-8bit-kernels', detail: null });
  });

  it('run on WASM, and other graphs run on WebGPU', () => {
    expect(() => checkWebGpuKernels('wasm', graph(true))).not.toThrow();
    expect(() => checkWebGpuKernels('webgpu', graph(false))).not.toThrow();
  });
});

describe('a software WebGPU adapter', () => {
  const adapter = (info: Partial<GPUAdapterInfo>) => fakeGpu(async () => ({ features: new Set(), limits: {}, info }) as unknown as GPUAdapter);

  it('is recognised by the browser’s flag or by a software renderer’s name, and a real GPU is not', () => {
    expect(softwareAdapterName({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' })).toMatch(/SwiftShader/);
    expect(softwareAdapterName({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toMatch(/llvmpipe/);
    expect(softwareAdapterName({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toMatch(/Basic Render/);
    expect(softwareAdapterName({ vendor: 'intel', description: '', isFallbackAdapter: true } as Partial<GPUAdapterInfo>)).toBe('intel');
    expect(softwareAdapterName({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' })).toBeNull();
    expect(softwareAdapterName({ vendor: 'apple', architecture: 'metal-3', description: '' })).toBeNull();
    expect(softwareAdapterName(undefined)).toBeNull();
  });

  it('makes Auto choose WASM and say why; forcing WebGPU still uses it', async () => {
    const probe = await probeWebGpu(adapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' }));
    expect(probe.unavailable).toBeNull();
    const auto = planBackends('auto', probe);
    expect(auto.order).toEqual(['wasm']);
    expect(auto.skipReason?.code).toBe('software-adapter');
    expect(describeWebGpuUnavailable(auto.skipReason!)).toMatch(/software one \(SwiftShader Device \(Subzero\).*\).*slower than WASM.*choose WebGPU/);
    expect(planBackends('webgpu', probe)).toEqual({ order: ['webgpu'], skipReason: null });
  });

  it('leaves Auto on WebGPU for a real GPU', async () => {
    const probe = await probeWebGpu(adapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' }));
    expect(planBackends('auto', probe)).toEqual({ order: ['webgpu', 'wasm'], skipReason: null });
  });
});
