/**
 * The real-GPU harness (scripts/gpu-bench), bundled as gpu-bundle/ bundles it and run by Node with no
 * browser: on WASM it must give the embedded model's reference greedy tokens (the ids the browser
 * tests expect on both backends); without a usable WebGPU it must end with a clear message and exit 2.
 * What only a machine with a GPU can show (WebGPU in Node through Dawn) is in docs/benchmarks.md.
 */
import { describe, expect, test, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleHarness } from '../../scripts/gpu-bench/bundle-harness.mjs';
import { bandwidthFor } from '../../scripts/gpu-bench/summary';

const MODELS = join(process.cwd(), 'models');
let harness = '';
let outDir = '';

function runHarness(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [harness, '--models-dir', MODELS, ...args], { timeout: 170_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'gpu-harness-'));
  ({ harness } = await bundleHarness({ outDir, mode: 'link' }));
}, 120_000);

describe('the real-GPU harness in Node', () => {
  test('on WASM, our engine gives tl-gpt\'s reference greedy tokens for every reference prompt', async () => {
    const json = join(outDir, 'reference.json');
    const reference = JSON.parse(readFileSync(join(MODELS, 'tl-gpt/reference.json'), 'utf8')) as { greedy: { new_ids: number[] }[] };
    const { code, stderr } = await runHarness(['--backend', 'wasm', '--models', 'tl-gpt', '--reference', join(MODELS, 'tl-gpt/reference.json'), '--json', json]);
    expect(stderr).toBe('');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { identical: boolean; runtime: string; results: { ours: number[]; expected: number[] }[] };
    expect(report.results.map((r) => r.ours)).toEqual(reference.greedy.map((g) => g.new_ids));
    expect(report.identical).toBe(true);
    expect(report.runtime).toMatch(/^onnxruntime-web \d/);
    expect(code).toBe(0);
  }, 180_000);

  test('without Dawn\'s binding, WebGPU ends with "no WebGPU adapter: …" and exit 2, not a crash', async () => {
    const { code, stderr, stdout } = await runHarness(['--backend', 'webgpu', '--dawn', join(outDir, 'no-such-dawn.node')]);
    expect(stderr.trim()).toMatch(/^no WebGPU adapter: Dawn's binding is missing \(.*no-such-dawn\.node\)$/);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  }, 60_000);

  test('a bad option is named, with exit 3', async () => {
    const { code, stderr } = await runHarness(['--backend', 'cuda']);
    expect(stderr.trim()).toBe('--backend takes webgpu or wasm, not "cuda"');
    expect(code).toBe(3);
  }, 60_000);
});

describe('the roofline bandwidth from the GPU name', () => {
  const gpu = (description: string) => ({ vendor: 'nvidia', architecture: 'hopper', device: '', description });
  test('an 80 GB HBM3 H100 is the SXM card; the H200 is named', () => {
    expect(bandwidthFor(gpu('NVIDIA H100 80GB HBM3'), null)).toEqual({ gbps: 3350, source: 'preset NVIDIA H100 SXM', guess: false });
    expect(bandwidthFor(gpu('NVIDIA H200'), null)).toMatchObject({ gbps: 4800, guess: false });
  });
  test('an H100 whose form factor the name does not give gets the SXM figure as a guess', () => {
    expect(bandwidthFor(gpu('NVIDIA H100 PCIe'), null)).toMatchObject({ gbps: 3350, guess: true });
  });
  test('--bandwidth wins; an unknown GPU has none', () => {
    expect(bandwidthFor(gpu('NVIDIA H100 80GB HBM3'), 2000)).toEqual({ gbps: 2000, source: '--bandwidth', guess: false });
    expect(bandwidthFor(gpu('Some Future GPU'), null)).toBeNull();
  });
});
