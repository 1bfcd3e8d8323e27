/**
 * The benchmark panel's client: progress and per-backend results reach their run, a failed run keeps
 * the error's name and params so the panel words it in the page's language, a crashed worker fails the
 * run with BenchWorkerCrashedError and the next run gets a new worker.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configureLocalization } from '@lit/localize';
import { BenchClient } from '../../src/clients/bench-client';
import { BenchWorkerCrashedError, ModelFetchError, toErrorInfo } from '../../src/core/errors';
import { describeError } from '../../src/i18n/engine-text';
import { spread } from '../../src/bench/shared/stats';
import type { BenchEvent, BenchOutcome, BenchProgress, BenchRequest, BenchRequestPayload } from '../../src/bench/shared/protocol';
import type { BackendResult } from '../../src/bench/shared/types';
import { fakeWorkers } from '../support/fake-worker';
import { rejection } from '../support/rejection';

const PAYLOAD: BenchRequestPayload = {
  source: { kind: 'synthetic', spec: 'synthetic:tiny' },
  backends: ['wasm'],
  settings: { promptTokens: 4, newTokens: 4, warmupRuns: 0, measuredRuns: 1 },
  baseUrl: 'http://localhost/',
};
const PROGRESS: BenchProgress = { backend: 'wasm', phase: 'measure', run: 0, runs: 1, tokens: 2, step: { kind: 'run', engine: 'ours' } };
const RESULT: BackendResult = {
  backend: 'wasm',
  engine: 'ours',
  sessionBuildMs: 5,
  timeToFirstTokenMs: spread([1]),
  prefillTokensPerSecond: spread([100]),
  decodeTokensPerSecond: spread([50]),
  tokenLatencyMs: spread([20]),
  gpuReadsPerToken: 0,
  achievedGBps: 0.1,
  greedyTokenIds: [1, 2],
  runs: [],
  memoryBytes: null,
};
const OUTCOME: BenchOutcome = {
  model: { name: 'synthetic:tiny', source: PAYLOAD.source, parameters: 100, weightBytesPerToken: 400, kvBytesPerToken: 8, layers: 1, vocab: 16, contextLength: 64, dtype: 'fp32', weightBytes: 400 },
  results: [RESULT],
  skipped: [],
  cancelled: false,
  probe: null,
  failures: [],
};

function setup() {
  const { create, workers } = fakeWorkers<BenchRequest, BenchEvent>();
  return { client: new BenchClient(create), workers };
}

describe('BenchClient', () => {
  beforeEach(() => vi.stubGlobal('Worker', class {}));
  afterEach(() => vi.unstubAllGlobals());

  it('passes progress and each backend result to the run, and resolves with its outcome', async () => {
    const { client, workers } = setup();
    const progress: BenchProgress[] = [];
    const backends: BackendResult[] = [];
    const run = client.run(PAYLOAD, (p) => progress.push(p), (r) => backends.push(r));
    const w = workers[0];
    expect(w.last()).toEqual({ kind: 'bench', id: run.id, payload: PAYLOAD });
    w.reply({ kind: 'progress', id: run.id, payload: PROGRESS });
    w.reply({ kind: 'backend-done', id: run.id, payload: RESULT });
    w.reply({ kind: 'done', id: run.id, payload: OUTCOME });
    expect(await run.done).toEqual(OUTCOME);
    expect(progress).toEqual([PROGRESS]);
    expect(backends).toEqual([RESULT]);
  });

  it('cancel targets the run', () => {
    const { client, workers } = setup();
    const run = client.run(PAYLOAD, () => {}, () => {});
    client.cancel(run.id);
    expect(workers[0].last()).toMatchObject({ kind: 'cancel', payload: { target: run.id } });
  });

  it('a crash fails the run with BenchWorkerCrashedError; the next run starts a new worker', async () => {
    const { client, workers } = setup();
    const run = client.run(PAYLOAD, () => {}, () => {});
    workers[0].crash('Out of memory');
    const error = await rejection(run.done);
    expect(error).toBeInstanceOf(BenchWorkerCrashedError);
    expect(error.message).toContain('Out of memory');
    const next = client.run(PAYLOAD, () => {}, () => {});
    expect(workers).toHaveLength(2);
    workers[1].reply({ kind: 'done', id: next.id, payload: OUTCOME });
    expect(await next.done).toEqual(OUTCOME);
  });

  describe('in the Chinese interface', () => {
    beforeEach(async () => {
      vi.stubGlobal('window', new EventTarget()); // @lit/localize announces locale changes on window
      const { setLocale } = configureLocalization({ sourceLocale: 'en', targetLocales: ['zh-Hans'], loadLocale: () => import('../../src/i18n/generated/locales/zh-Hans') });
      await setLocale('zh-Hans');
    });

    it('a failed run and a crash are worded in Chinese, with the values the user needs', async () => {
      const { client, workers } = setup();
      const run = client.run(PAYLOAD, () => {}, () => {});
      const raised = new ModelFetchError('http://h/m/config.json', { kind: 'http-status', status: 404, statusText: 'Not Found' });
      workers[0].reply({ kind: 'error', id: run.id, payload: toErrorInfo(raised) });
      const failed = describeError(await rejection(run.done));
      expect(failed).toMatch(/[\u4e00-\u9fff]/);
      expect(failed).toContain('http://h/m/config.json');
      expect(failed).toContain('404');
      expect(failed).not.toContain('Could not download');

      const next = client.run(PAYLOAD, () => {}, () => {});
      workers[0].crash('Out of memory');
      const crashed = describeError(await rejection(next.done));
      expect(crashed).toMatch(/[\u4e00-\u9fff]/);
      expect(crashed).toContain('Out of memory');
      expect(crashed).not.toContain('stopped unexpectedly');
    });
  });
});
