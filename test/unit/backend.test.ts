import { describe, expect, it } from 'vitest';
import { planBackends, probeWebGpu } from '../../src/engine/backend';
import { WebGpuUnavailableError } from '../../src/engine/errors';

const AVAILABLE = { unavailableReason: null };
const UNAVAILABLE = { unavailableReason: 'this browser has no WebGPU API (navigator.gpu is missing)' };

function fakeGpu(requestAdapter: (options?: GPURequestAdapterOptions) => Promise<GPUAdapter | null>): GPU {
  return { requestAdapter } as unknown as GPU;
}

describe('planBackends', () => {
  it('auto with WebGPU available tries WebGPU first, then falls back to WASM', () => {
    expect(planBackends('auto', AVAILABLE)).toEqual({ order: ['webgpu', 'wasm'], skipReason: null });
  });

  it('auto without WebGPU uses WASM and keeps the reason for the user', () => {
    expect(planBackends('auto', UNAVAILABLE)).toEqual({ order: ['wasm'], skipReason: UNAVAILABLE.unavailableReason });
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
      planBackends('webgpu', { unavailableReason: 'no usable GPU adapter' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebGpuUnavailableError);
    const error = caught as Error;
    expect(error.name).toBe('WebGpuUnavailableError');
    expect(error.message).toContain('no usable GPU adapter');
    expect(error.message).toMatch(/WASM/);
  });
});

describe('probeWebGpu', () => {
  it('reports a missing navigator.gpu', async () => {
    const probe = await probeWebGpu(undefined);
    expect(probe.unavailableReason).toMatch(/no WebGPU API/);
  });

  it('reports when no adapter is found', async () => {
    const probe = await probeWebGpu(fakeGpu(async () => null));
    expect(probe.unavailableReason).toMatch(/no usable GPU adapter/);
  });

  it('reports a failing adapter request with its message', async () => {
    const probe = await probeWebGpu(fakeGpu(async () => Promise.reject(new Error('GPU process crashed'))));
    expect(probe.unavailableReason).toMatch(/requesting a GPU adapter failed/);
    expect(probe.unavailableReason).toContain('GPU process crashed');
  });

  it('reports WebGPU as available when an adapter is found, asking for the high-performance GPU', async () => {
    const requests: (GPURequestAdapterOptions | undefined)[] = [];
    const probe = await probeWebGpu(
      fakeGpu(async (options) => {
        requests.push(options);
        return { features: new Set(), limits: {} } as unknown as GPUAdapter;
      }),
    );
    expect(probe).toEqual({ unavailableReason: null });
    expect(requests).toEqual([{ powerPreference: 'high-performance' }]);
  });

  it('feeds planBackends end to end: a rejected adapter request makes auto fall back to WASM', async () => {
    const probe = await probeWebGpu(fakeGpu(async () => Promise.reject(new Error('blocklisted driver'))));
    const plan = planBackends('auto', probe);
    expect(plan.order).toEqual(['wasm']);
    expect(plan.skipReason).toContain('blocklisted driver');
    expect(() => planBackends('webgpu', probe)).toThrow(/blocklisted driver/);
  });
});
