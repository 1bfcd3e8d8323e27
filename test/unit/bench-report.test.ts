/** The benchmark's numbers and exports: spreads, ratios, the consistency check, the schema, the URL. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { quantile, spread, intervals } from '../../src/bench/shared/stats';
import { buildReport } from '../../src/bench/page/report';
import { toCsv, toMarkdown } from '../../src/bench/page/report-text';
import { ceilingTokensPerSecond, fractionOfCeiling } from '../../src/bench/page/ceiling';
import { parseBenchUrl, writeBenchUrl } from '../../src/bench/page/url-settings';
import type { BackendResult } from '../../src/bench/shared/types';
import type { ModelDescription } from '../../src/bench/shared/protocol';
import type { BenchEnvironment } from '../../src/bench/page/environment';
import { REPO_ROOT } from '../support/paths';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/bench-schema.v2.json'), 'utf8')) as object;

const MODEL: ModelDescription = {
  name: 'stories260k',
  source: { kind: 'folder', url: 'http://x/stories260k/' },
  parameters: 260_000,
  weightBytesPerToken: 1_000_000,
  kvBytesPerToken: 2560,
  layers: 5,
  vocab: 512,
  contextLength: 512,
  dtype: null,
  weightBytes: 1_000_000,
};

const ENV: BenchEnvironment = {
  userAgent: 'HeadlessChrome/156',
  hardwareConcurrency: 2,
  crossOriginIsolated: true,
  wasmThreads: 1,
  deviceMemoryGB: null,
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', shaderF16: false, limits: { maxBufferSize: 268435456 } },
  adapterError: null,
};

function result(backend: BackendResult['backend'], engine: BackendResult['engine'], decode: number[], tokens: number[]): BackendResult {
  const s = spread(decode);
  return {
    backend,
    engine,
    sessionBuildMs: 100,
    timeToFirstTokenMs: spread([10, 12]),
    prefillTokensPerSecond: spread([800, 700]),
    decodeTokensPerSecond: s,
    tokenLatencyMs: spread([2, 2.5, 3]),
    gpuReadsPerToken: backend === 'webgpu' ? 1 : 0,
    achievedGBps: s.median / 1000,
    greedyTokenIds: tokens,
    runs: [],
    memoryBytes: null,
  };
}

describe('benchmark statistics', () => {
  it('gives medians and p10/p90 by linear interpolation', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(spread([10, 20, 30, 40, 50])).toMatchObject({ median: 30, p10: 14, p90: 46, min: 10, max: 50, n: 5 });
    expect(intervals([0, 5, 7, 12])).toEqual([5, 2, 5]);
  });

  it('bounds tokens/s by bandwidth over bytes read per token', () => {
    // 100 GB/s over 1 GB a token: 100 tokens/s at best.
    expect(ceilingTokensPerSecond(100, 1e9)).toBe(100);
    expect(fractionOfCeiling(50, 100, 1e9)).toBe(0.5);
  });
});

describe('benchmark report', () => {
  const results = [
    result('webgpu', 'ours', [100, 120, 110], [5, 6, 7, 8]),
    { ...result('wasm', 'ours', [400, 500, 450], [5, 6, 9, 8]), longContext: { tokens: 512, decodeTokensPerSecond: spread([360, 380, 340]) } },
    result('cpu', 'native', [2000, 2400, 2200], [5, 6, 9, 8]),
  ];
  const report = buildReport('cli', ENV, { promptTokens: 8, newTokens: 4, warmupRuns: 1, measuredRuns: 3 }, [{ model: MODEL, results }], new Date('2026-11-23T13:00:00Z'));

  it('validates against the published schema, version 2', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, version: 3 })).toBe(false);
    expect(validate({ ...report, version: 1 })).toBe(false);
  });

  it('names the ratios plainly, from median decode speeds', () => {
    expect(report.ratios).toEqual([
      { model: 'stories260k', name: 'webgpu_over_wasm', value: 110 / 450 },
      { model: 'stories260k', name: 'wasm_over_native', value: 450 / 2200 },
      // Decode at 512 tokens of context over decode after the short prompt: is it flat?
      { model: 'stories260k', name: 'long_context_over_short_ours_wasm', value: 360 / 450 },
    ]);
  });

  it('catches a backend whose greedy tokens split from the reference', () => {
    expect(report.consistency[0]).toEqual({ model: 'stories260k', backend: 'webgpu', reference: 'wasm', tokensCompared: 4, top1Agreement: 0.75, identicalPrefix: 2 });
    expect(report.consistency[1]).toMatchObject({ backend: 'wasm', reference: 'cpu', top1Agreement: 1, identicalPrefix: 4 });
  });

  it('exports one CSV row and one Markdown row per record', () => {
    const csv = toCsv(report).trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toContain('decode_tok_s_median');
    expect(csv[2]).toMatch(/^stories260k,ours,wasm,,100,11\.0,750\.0,450\.0,/);
    const md = toMarkdown(report);
    expect(md).toContain('| stories260k | native | cpu |');
    expect(md).toContain('wasm_over_native: 0.20×');
    expect(md).toContain('top-1 agreement 75%');
  });
});

describe('benchmark report across dtypes', () => {
  const synthetic = (dtype: string): ModelDescription => ({
    ...MODEL,
    name: `synthetic:gpt-25m:${dtype}`,
    source: { kind: 'synthetic', spec: `synthetic:gpt-25m:${dtype}` },
    dtype,
    weightBytes: dtype === 'q4' ? 36e6 : 97e6,
  });
  const note = { rewrite: 'matmulnbits-to-matmul' as const, nodes: 37, toFloat32: 37, toInt8: 0, kept: 0, weightBytesBefore: 14e6, weightBytesAfter: 92e6, ms: 1400 };
  // --compare-rewrite: the rewritten graph (what the app runs) and the graph as downloaded, interleaved.
  const runs = [
    { model: synthetic('q4'), results: [{ ...result('wasm', 'ours', [45], [1]), graphRewrite: note, peakMemoryBytes: 6e8 }, { ...result('wasm', 'ours', [4], [1]), graphRewrite: null, peakMemoryBytes: 6e8 }] },
    { model: synthetic('fp32'), results: [{ ...result('wasm', 'ours', [30], [1]), peakMemoryBytes: 5e8 }] },
  ];
  const report = buildReport('cli', ENV, { promptTokens: 8, newTokens: 4, warmupRuns: 1, measuredRuns: 1 }, runs);

  it('gives each dtype over fp32 of the same shape, the graph as downloaded, and the rewrite speed-up', () => {
    const ratios = Object.fromEntries(report.ratios.map((r) => [`${r.model} ${r.name}`, r.value]));
    expect(ratios).toEqual({
      'synthetic:gpt-25m:q4 rewrite_speedup_wasm': 45 / 4,
      'synthetic:gpt-25m:q4 q4_over_fp32_wasm': 45 / 30,
      'synthetic:gpt-25m:q4 q4_original_graph_over_fp32_wasm': 4 / 30,
    });
  });

  it('records dtype, weight bytes, peak memory and the rewrite, valid against the schema', () => {
    expect(report.records.map((r) => [r.dtype, r.weightBytes, r.peakMemoryBytes, r.graphRewrite?.toFloat32 ?? null])).toEqual([
      ['q4', 36e6, 6e8, 37],
      ['q4', 36e6, 6e8, null],
      ['fp32', 97e6, 5e8, null],
    ]);
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(toMarkdown(report)).toContain('| synthetic:gpt-25m:q4 | ours | wasm | 37 → f32 | 600 |');
  });
});

describe('WebGPU work in the report', () => {
  const work = (dispatches: number) => ({ dispatchesPerToken: dispatches, submitsPerToken: 5, buffersCreatedPerToken: 1, bytesAllocatedPerToken: 2048, readsPerToken: 1, bytesReadPerToken: 2048 });
  const results = [
    { ...result('webgpu', 'ours', [100, 120, 110], [5, 6]), gpu: work(62), gpuPrefill: { ...work(62), bytesReadPerToken: 16384 } },
    { ...result('webgpu', 'transformersjs', [90, 95, 100], [5, 6]), gpu: work(248), gpuPrefill: work(248) },
    result('wasm', 'ours', [400, 500, 450], [5, 6]),
  ];
  const report = buildReport('page', ENV, { promptTokens: 8, newTokens: 4, warmupRuns: 1, measuredRuns: 3 }, [{ model: MODEL, results }], new Date('2026-11-23T13:00:00Z'));

  it('puts the counters on WebGPU records, null elsewhere, and validates', () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.records.map((r) => r.gpu?.dispatchesPerToken ?? null)).toEqual([62, 248, null]);
    expect(report.records[0].gpuPrefill?.bytesReadPerToken).toBe(16384);
  });

  it('gives our dispatches per decode token over transformers.js\'s', () => {
    expect(report.ratios).toContainEqual({ model: 'stories260k', name: 'dispatches_ours_over_transformersjs_webgpu', value: 0.25 });
  });

  it('exports decode and prefill counts in CSV and Markdown', () => {
    const [head, ours, , wasm] = toCsv(report).trim().split('\n').map((line) => line.split(','));
    expect(ours[head.indexOf('decode_dispatches_per_token')]).toBe('62.0');
    expect(ours[head.indexOf('prefill_bytes_read')]).toBe('16384');
    expect(wasm[head.indexOf('decode_dispatches_per_token')]).toBe('');
    const md = toMarkdown(report);
    expect(md).toContain('| stories260k | ours | decode, per token | 62.0 | 5.00 | 1.00 | 2048 | 1.00 | 2048 |');
    expect(md).toContain('dispatches_ours_over_transformersjs_webgpu: 0.25×');
  });
});

describe('benchmark settings in the URL', () => {
  it('round-trips and keeps the other parameters', () => {
    const state = parseBenchUrl('?panel=bench&bench_model=synthetic:gpt2-small:fp16&bench_backends=wasm&bench_runs=7&bench_bw=400&bench_autorun=1');
    expect(state).toMatchObject({ model: 'synthetic:gpt2-small:fp16', backends: ['wasm'], bandwidthGBps: 400, autorun: true });
    expect(state.settings.measuredRuns).toBe(7);
    const written = new URLSearchParams(writeBenchUrl('?panel=bench&model=x', state));
    expect(written.get('panel')).toBe('bench');
    expect(written.get('model')).toBe('x');
    expect(written.get('bench_runs')).toBe('7');
    // A shared link does not start a run by itself.
    expect(written.has('bench_autorun')).toBe(false);
  });

  it('falls back to defaults for nonsense and clamps ranges', () => {
    const state = parseBenchUrl('?bench_backends=cuda&bench_runs=-3&bench_bw=abc');
    expect(state.backends).toEqual(['webgpu', 'wasm']);
    expect(state.settings.measuredRuns).toBe(1);
    // No bandwidth given: the page detects it from the adapter or says it guesses.
    expect(state.bandwidthGBps).toBeNull();
  });
});

describe('transformers.js model address', () => {
  it('splits a folder URL into the host it fetches from and the model id', async () => {
    const { splitFolderUrl } = await import('../../src/bench/worker/transformersjs');
    expect(splitFolderUrl('http://127.0.0.1:9/shared/models/stories260k/')).toEqual({ host: 'http://127.0.0.1:9/shared/models/', model: 'stories260k' });
    expect(splitFolderUrl('http://127.0.0.1:9/tl-gpt/')).toEqual({ host: 'http://127.0.0.1:9/', model: 'tl-gpt' });
  });
});

describe('the KV cache path in the report', () => {
  const results = [
    { ...result('wasm', 'ours', [400, 500, 450], [5, 6]), kvCache: 'append' as const },
    { ...result('webgpu', 'ours', [100, 120, 110], [5, 6]), kvCache: 'present' as const },
    result('wasm', 'transformersjs', [300, 320, 310], [5, 6]),
  ];
  const report = buildReport('page', ENV, { promptTokens: 8, newTokens: 4, warmupRuns: 1, measuredRuns: 3 }, [{ model: MODEL, results }], new Date('2026-11-23T13:00:00Z'));

  it('says which path each record used (null where not known), valid against the schema, and in Markdown', () => {
    expect(report.records.map((r) => r.kvCache)).toEqual(['append', 'present', null]);
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(toMarkdown(report)).toContain('stories260k ours wasm: append · stories260k ours webgpu: present');
  });
});
