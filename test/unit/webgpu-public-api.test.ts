/**
 * The engine uses WebGPU and onnxruntime-web through their public API only: nothing in src replaces a
 * WebGPU method or property (the GPU pick once did, inside onnxruntime's download path). The one
 * exception is the benchmark's counters (src/bench/worker/gpu-counters.ts), which wrap a few methods to count
 * calls and pass every call through unchanged, in the benchmark's worker only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths';

const COUNTERS = 'src/bench/worker/gpu-counters.ts';

/** Ways to replace a WebGPU method or property: a prototype touched, a property defined, a method name assigned. */
const PATCHES = [
  /\bGPU[A-Za-z]+\.prototype\b/,
  /Object\.defineProperty\s*\([^,]+,\s*['"](createBuffer|copyBufferToBuffer|submit|mapAsync|getMappedRange|unmap|destroy|beginComputePass|dispatchWorkgroups|createCommandEncoder)['"]/,
  /\.(createBuffer|copyBufferToBuffer|submit|mapAsync|getMappedRange|unmap|destroy|beginComputePass|dispatchWorkgroups|createCommandEncoder)\s*=[^=]/,
];

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ts$/.test(entry.name))
    .map((entry) => path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.startsWith('src/i18n/generated'));
}

describe('no WebGPU method is replaced outside the benchmark counters', () => {
  it('src/', () => {
    const found: string[] = [];
    for (const file of sources('src')) {
      if (file === COUNTERS) continue;
      readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n').forEach((line, i) => {
        if (PATCHES.some((pattern) => pattern.test(line))) found.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('the check would see the old hooks', () => {
    const old = ["Object.defineProperty(device, 'createBuffer', {", 'const proto = GPUCommandEncoder.prototype as unknown;', 'staging.destroy = () => staging.unmap();'];
    for (const line of old) expect(PATCHES.some((pattern) => pattern.test(line)), line).toBe(true);
  });
});
