/**
 * Which onnxruntime-web build runs each backend: WebGPU on the native WebGPU EP's JSPI build where the
 * browser has JSPI (`WebAssembly.Suspending`), its asyncify build where not; WASM on the plain build.
 */
import { describe, expect, it } from 'vitest';
import { buildFor, hasJspi } from '../../src/engine/ort-setup';

describe('the runtime build per backend', () => {
  it('JSPI is seen where WebAssembly.Suspending exists, and only there', () => {
    expect(hasJspi({ Suspending: class {} })).toBe(true);
    expect(hasJspi({ Memory: class {} })).toBe(false);
    expect(hasJspi(undefined)).toBe(false);
  });

  it('WebGPU runs the JSPI build with JSPI and the asyncify build without; WASM the plain build either way', () => {
    expect(buildFor('webgpu', true)).toBe('jspi');
    expect(buildFor('webgpu', false)).toBe('asyncify');
    expect(buildFor('wasm', true)).toBe('wasm');
    expect(buildFor('wasm', false)).toBe('wasm');
  });
});
