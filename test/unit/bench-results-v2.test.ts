/**
 * Benchmark results v2 without a browser: the stable-median rule, the share link (round trip, and the
 * clear refusal of cut, altered and future links), version 1 migration, failure categories, the
 * correctness probe's comparison, and the history that storage may refuse.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { medianInterval95, medianIsStable } from '../../src/bench/shared/stats';
import { decodeResults, encodeResults, sharedFragment } from '../../src/bench/page/share-link';
import { readReport } from '../../src/bench/page/read-report';
import { classifyFailure } from '../../src/bench/shared/failure';
import { compareTraces, probeSentence } from '../../src/bench/shared/probe-result';
import { traceGreedy } from '../../src/bench/worker/probe';
import { addToHistory, readHistory, HISTORY_KEY } from '../../src/bench/page/history';
import { ladderFor, parseLadder } from '../../src/bench/shared/context-ladder';
import { parseBenchUrl, writeBenchUrl } from '../../src/bench/page/url-settings';
import { chooseBandwidth, GUESSED_BANDWIDTH_GBPS } from '../../src/bench/page/bandwidth';
import { REFERENCE_RESULTS } from '../../src/bench/page/reference-results';
import { isSoftwareAdapter } from '../../src/bench/page/gpu-report';
import { REPO_ROOT } from '../support/paths';
import { FIGURES } from '../../src/bench/shared/figures';
import { figureName } from '../../src/panels/bench/words';
import { BenchLinkError, GpuDeviceLostError, OutOfMemoryError, WebGpuUnavailableError, ModelFetchError } from '../../src/core/errors';
import type { BenchReport } from '../../src/bench/page/report';
import type { KeyValueStore } from '../../src/core/safe-storage';

const report: BenchReport = REFERENCE_RESULTS[0];

describe('measuring until the median is stable', () => {
  it('takes the whole range with few runs and narrows with many', () => {
    expect(medianInterval95([10, 20, 30, 40, 50])).toEqual({ low: 10, high: 50 });
    const many = Array.from({ length: 40 }, (_, i) => 100 + (i % 5));
    const { low, high } = medianInterval95(many);
    expect(low).toBeGreaterThanOrEqual(100);
    expect(high).toBeLessThanOrEqual(104);
  });

  it('calls a tight spread stable and a wide one not', () => {
    expect(medianIsStable([100, 101, 99, 100, 102, 98, 100, 101], 0.05)).toBe(true);
    // The page's old default: three runs with p10–p90 1,082–2,961 tok/s.
    expect(medianIsStable([1082, 1343, 2961], 0.05)).toBe(false);
    expect(medianIsStable([100], 0.05)).toBe(false);
  });
});

describe('share links', () => {
  it('carries reports through the fragment and back, figure for figure', async () => {
    const value = await encodeResults([report]);
    expect(value).toMatch(/^2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{12}$/);
    expect(sharedFragment(`#result=${value}`)).toBe(value);
    expect(await decodeResults(value)).toEqual([report]);
  });

  it('says which is wrong: cut off, altered, from a newer app, or not a result', async () => {
    const value = await encodeResults([report]);
    const [version, data, checksum] = value.split('.');
    const problem = async (link: string) => {
      try {
        await decodeResults(link);
        return 'none';
      } catch (error) {
        expect(error).toBeInstanceOf(BenchLinkError);
        return String((error as BenchLinkError).params.kind);
      }
    };
    expect(await problem(`${version}.${data.slice(0, 200)}`)).toBe('truncated');
    expect(await problem(`${version}.${data}.${checksum.slice(0, 5)}`)).toBe('truncated');
    const flipped = `${data.slice(0, 30)}${data[30] === 'A' ? 'B' : 'A'}${data.slice(31)}`;
    expect(await problem(`${version}.${flipped}.${checksum}`)).toBe('tampered');
    expect(await problem(`3.${data}.${checksum}`)).toBe('future');
    expect(await problem('x.y.z')).toBe('invalid');
    // A well-formed link whose contents are not a result (made by hand, checksum and all).
    const notAResult = await encodeResults([{ hello: 'world' } as unknown as BenchReport]);
    expect(await problem(notAResult)).toBe('invalid');
  });

  it('reads version 1 documents through the migration', () => {
    // A version 1 document: the same report without the fields version 2 added.
    const v1 = JSON.parse(JSON.stringify({ ...report, version: 1 })) as Record<string, unknown> & { records: Record<string, unknown>[] };
    for (const key of ['probe', 'failures', 'bandwidth', 'cancelled']) delete v1[key];
    for (const record of v1.records) for (const key of ['stable', 'tokenLatenciesMs', 'memory', 'contextCurve']) delete record[key];
    const migrated = readReport(v1);
    expect(migrated.version).toBe(2);
    expect(migrated.probe).toEqual([]);
    expect(migrated.records[0].memory.modelBytes).toBe(report.records[0].weightBytes);
    expect(migrated.records[0].decodeTokensPerSecond).toEqual(report.records[0].decodeTokensPerSecond);
    expect(() => readReport({ ...report, version: 7 })).toThrow(/newer version/);
  });
});

describe('failure categories', () => {
  it('sorts errors into the published categories', () => {
    expect(classifyFailure(new WebGpuUnavailableError({ code: 'no-webgpu-api', detail: null }), 'webgpu').category).toBe('no-webgpu');
    expect(classifyFailure(new WebGpuUnavailableError({ code: 'no-adapter', detail: null }), 'webgpu').category).toBe('no-adapter');
    expect(classifyFailure(new WebGpuUnavailableError({ code: 'no-shader-f16', detail: null }), 'webgpu').category).toBe('missing-feature');
    expect(classifyFailure(new OutOfMemoryError('webgpu', 'Failed to allocate'), 'webgpu').category).toBe('out-of-memory');
    expect(classifyFailure(new GpuDeviceLostError('destroyed'), 'webgpu').category).toBe('device-lost');
    expect(classifyFailure(new Error('WGSL compilation failed: error at line 3'), 'webgpu').category).toBe('shader-failure');
    expect(classifyFailure(new ModelFetchError('http://h/a', { kind: 'http-status', status: 404, statusText: 'Not Found' }), null).category).toBe('download-failed');
    expect(classifyFailure(new Error('something else'), 'wasm')).toEqual({ category: 'other', backend: 'wasm', message: 'something else' });
  });
});

/** A decoder whose logits are a fixed function of the step, for the probe without a runtime. */
function fakeDecoder(vocab: number, shift = 0) {
  let step = 0;
  return {
    newCache: () => ({ dispose: () => undefined }) as never,
    forward: async () => Float32Array.from({ length: vocab }, (_, i) => Math.sin(i * 0.7 + step++ * 0.01) + (i === (step % vocab) ? 3 : 0) + shift),
  };
}

describe('the correctness probe', () => {
  it('matches identical logits and flags a planted fault at its step', async () => {
    const reference = await traceGreedy(fakeDecoder(50), [1, 2], 8);
    const same = await traceGreedy(fakeDecoder(50), [1, 2], 8, reference.tokenIds);
    const match = compareTraces('m', same, reference, false);
    expect(match).toMatchObject({ verdict: 'match', firstDifference: null, top1Agreement: 1, maxLogitDifference: 0 });
    expect(probeSentence(match)).toContain("this device's results match");
    const faulty = await traceGreedy(fakeDecoder(50), [1, 2], 8, reference.tokenIds, { step: 2 });
    const differ = compareTraces('m', faulty, reference, true);
    expect(differ).toMatchObject({ verdict: 'differ', firstDifference: 3, plantedFault: true });
    expect(differ.top1PerStep).toEqual([1, 1, 0, 1, 1, 1, 1, 1]);
    expect(probeSentence(differ)).toMatch(/^differ: first at token 3, by /);
  });
});

describe('history, ladder, bandwidth and words', () => {
  it('keeps results, survives a refusing storage, and drops damaged entries', () => {
    const map = new Map<string, string>();
    const store: KeyValueStore = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
    expect(addToHistory(report, store)).toBe(true);
    expect(readHistory(store)).toEqual([report]);
    map.set(HISTORY_KEY, JSON.stringify([{ broken: true }, report]));
    expect(readHistory(store)).toEqual([report]);
    const refusing: KeyValueStore = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(addToHistory(report, refusing)).toBe(false);
  });

  it('measures the ladder that fits the model, with its limit', () => {
    expect(ladderFor([16, 128, 512, 1024, 2048], 512)).toEqual([16, 128, 504]);
    expect(ladderFor([16, 128, 512, 1024, 2048], 4096)).toEqual([16, 128, 512, 1024, 2048, 4088]);
    // A ladder the user gave: exactly its rungs that fit, no limit added.
    expect(ladderFor([16, 64], 512, 8, true)).toEqual([16, 64]);
    expect(ladderFor([16, 64, 1024], 512, 8, true)).toEqual([16, 64]);
  });

  it('reads a ladder from the CLI or a link, and says what is wrong with a bad one', () => {
    expect(parseLadder('128, 16,16')).toEqual({ ladder: [16, 128] });
    expect(parseLadder('16,abc')).toEqual({ error: '"abc" is not a context length from 1 to 32768' });
    expect(parseLadder('0')).toEqual({ error: '"0" is not a context length from 1 to 32768' });
    expect(parseLadder('1.5')).toEqual({ error: '"1.5" is not a context length from 1 to 32768' });
    expect(parseLadder(' , ')).toEqual({ error: 'a ladder lists context lengths, e.g. 16,128,512' });
    // In a link: bench_curve=1 is the page's ladder and the limit; a list is exactly those rungs; a bad list is no curve.
    expect(parseBenchUrl('?bench_curve=1').settings).toMatchObject({ contextLadder: [16, 128, 512, 1024, 2048] });
    expect(parseBenchUrl('?bench_curve=1').settings.contextLadderExact).toBeUndefined();
    const exact = parseBenchUrl('?bench_curve=64,16');
    expect(exact.settings).toMatchObject({ contextLadder: [16, 64], contextLadderExact: true });
    expect(new URLSearchParams(writeBenchUrl('', exact)).get('bench_curve')).toBe('16,64');
    expect(parseBenchUrl('?bench_curve=16,x').settings.contextLadder).toBeUndefined();
  });

  it('says when the bandwidth is a guess', () => {
    expect(chooseBandwidth(400, null)).toEqual({ gbps: 400, source: 'user' });
    expect(chooseBandwidth(null, { vendor: 'nvidia', description: 'NVIDIA GeForce RTX 4090' })).toEqual({ gbps: 1008, source: 'detected' });
    expect(chooseBandwidth(null, { vendor: 'google', description: 'SwiftShader' })).toEqual({ gbps: GUESSED_BANDWIDTH_GBPS, source: 'guess' });
  });

  it('names each figure with the same words in the page and the exports', () => {
    for (const key of Object.keys(FIGURES) as (keyof typeof FIGURES)[]) expect(figureName(key)).toBe(FIGURES[key]);
  });
});

describe('the shipped reference results', () => {
  it('are real reports, each with its date and runtime version, and the docs list each one honestly', () => {
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/bench-results.md'), 'utf8');
    const folder = path.join(REPO_ROOT, 'src/bench/page/reference');
    const shipped = readdirSync(folder).filter((f) => f.endsWith('.json'));
    expect(REFERENCE_RESULTS.map((r) => r.createdAt).sort()).toEqual(shipped.map((f) => (JSON.parse(readFileSync(path.join(folder, f), 'utf8')) as BenchReport).createdAt).sort());
    for (const file of shipped) {
      const reference = readReport(JSON.parse(readFileSync(path.join(folder, file), 'utf8')));
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${file}\` |`)) ?? '';
      expect(row, file).toContain(reference.createdAt.slice(0, 10));
      for (const record of reference.records) {
        expect(record.runtime, `${record.backend} in ${file}`).toMatch(/onnxruntime-web \d+\.\d+\.\d+/);
        expect(row, file).toContain(`onnxruntime-web ${record.runtime!.match(/\d+\.\d+/)![0]}`);
        // A WebGPU figure from an emulated GPU says so wherever it is listed.
        if (record.backend === 'webgpu' && isSoftwareAdapter(reference.environment.adapter)) expect(row, file).toContain('software adapter');
      }
    }
  });
});
