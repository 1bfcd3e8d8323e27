/**
 * The architecture panel's worker client: typed requests out, replies matched by id, errors keep
 * the name of the class that raised them, and a crashed worker fails every pending call clearly.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnalysisClient } from '../../src/clients/analysis-client';
import { WorkerCrashedError } from '../../src/core/errors';
import type { AnalysisEvent, AnalysisRequest, DecoderStepResult } from '../../src/core/analysis-protocol';
import { FakeWorker } from '../support/fake-worker';

describe('AnalysisClient', () => {
  let worker: FakeWorker<AnalysisRequest, AnalysisEvent>;
  let client: AnalysisClient;
  beforeEach(() => {
    vi.stubGlobal('Worker', class {});
    vi.stubGlobal('location', { href: 'http://localhost:5173/lab/' });
    worker = new FakeWorker<AnalysisRequest, AnalysisEvent>();
    client = new AnalysisClient(() => worker as unknown as Worker);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends typed requests and resolves each with the reply of the same id', async () => {
    const step = client.decoderStep([1, 2, 3], true);
    const tokens = client.tokenize('bert', 'Hi');
    expect(worker.posted.map((r) => r.kind)).toEqual(['decoder-step', 'tokenize']);
    expect(worker.posted[0].payload).toEqual({ ids: [1, 2, 3], reset: true });
    const result: DecoderStepResult = { logits: new Float32Array([0.5, 1.5]), cacheTokens: 3, cacheBytes: 3072, stepMs: 1 };
    worker.reply({ kind: 'result', id: worker.posted[1].id, payload: { ids: [3, 9, 4], tokens: ['[CLS]', 'Hi', '[SEP]'], special: [true, false, true] } });
    worker.reply({ kind: 'result', id: worker.posted[0].id, payload: result });
    expect((await tokens).special).toEqual([true, false, true]);
    const got = await step;
    expect(got.cacheBytes).toBe(3072);
    expect(Array.from(got.logits)).toEqual([0.5, 1.5]);
  });

  it('resolves model folders against the page', () => {
    void client.load({ slot: 'decoder', modelUrl: 'models/tl-gpt/', backend: 'wasm' });
    expect(worker.posted[0].payload).toMatchObject({ slot: 'decoder', baseUrl: 'http://localhost:5173/lab/' });
  });

  it('rejects with the error class the worker named', async () => {
    const run = client.encoderRun('ernie', [3, 5, 4], [1]);
    worker.reply({ kind: 'error', id: worker.posted[0].id, payload: { name: 'NoModelLoadedError', message: 'No model is loaded yet.' } });
    await expect(run).rejects.toMatchObject({ name: 'NoModelLoadedError', message: 'No model is loaded yet.' });
  });

  it('fails every pending call when the worker crashes, and starts a new worker next time', async () => {
    const a = client.decoderAttention([1]);
    const b = client.prefixChange('bert', [3, 4]);
    const crashes: string[] = [];
    client.onCrash = (detail) => crashes.push(detail);
    worker.crash('out of memory');
    await expect(a).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(b).rejects.toThrow(/out of memory/);
    expect(worker.terminated).toBe(true);
    // The panel loads its models again into the new worker on this call.
    expect(crashes).toEqual(['out of memory']);
    const fresh = new FakeWorker<AnalysisRequest, AnalysisEvent>();
    worker = fresh;
    void client.tokenize('decoder', 'x');
    expect(fresh.posted).toHaveLength(1);
  });

  it('tells reply listeners after each reply and each failure, until unsubscribed', async () => {
    const seen: string[] = [];
    const stop = client.onReply(() => seen.push('reply'));
    const tokens = client.tokenize('decoder', 'Hi').then(() => seen.push('caller'));
    worker.reply({ kind: 'result', id: worker.posted[0].id, payload: { ids: [1], tokens: ['Hi'], special: [false] } });
    await tokens;
    expect(seen.sort()).toEqual(['caller', 'reply']);
    const failed = client.decoderAttention([1]).catch(() => seen.push('failed'));
    worker.reply({ kind: 'error', id: worker.posted[1].id, payload: { name: 'NoModelLoadedError', message: 'No model is loaded yet.' } });
    await failed;
    expect(seen.filter((s) => s === 'reply')).toHaveLength(2);
    expect(seen).toContain('failed');
    stop();
    const after = client.tokenize('decoder', 'x');
    worker.reply({ kind: 'result', id: worker.posted[2].id, payload: { ids: [2], tokens: ['x'], special: [false] } });
    await after;
    await Promise.resolve();
    expect(seen).toHaveLength(4);
  });
});
