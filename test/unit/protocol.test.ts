import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineClient } from '../../src/clients/engine-client';
import { WorkerCrashedError, WorkerUnavailableError } from '../../src/core/errors';
import { rejection } from '../support/rejection';
import { FakeWorker, fakeWorkers } from '../support/fake-worker';
import type {
  EngineEvent,
  EngineRequest,
  GenerationResult,
  GenerationSettings,
  GenerationStats,
  LoadProgress,
  ModelInfo,
  TokenPayload,
} from '../../src/core/protocol';


const SETTINGS: GenerationSettings = {
  maxNewTokens: 8,
  temperature: 0,
  topK: 0,
  topP: 1,
  repetitionPenalty: 1,
  seed: 1,
  stopStrings: [],
};

const INFO: ModelInfo = {
  name: 'tl-gpt',
  url: 'http://localhost/models/tl-gpt/',
  backend: 'wasm',
  fallbackReason: { code: 'no-adapter', detail: null },
  wasmThreads: 1,
  modelBytes: 1234,
  contextLength: 256,
  vocabSize: 512,
  numLayers: 2,
  hasChatTemplate: false,
  sessionBuildMs: 5,
};

const STATS: GenerationStats = {
  promptTokens: 3,
  reusedPromptTokens: 0,
  generatedTokens: 2,
  timeToFirstTokenMs: 1,
  prefillTokensPerSecond: 100,
  decodeTokensPerSecond: 50,
};

function setup() {
  const { create, workers } = fakeWorkers<EngineRequest, EngineEvent>();
  return { client: new EngineClient(create), workers };
}

describe('EngineClient without Web Workers', () => {
  it('throws WorkerUnavailableError with a helpful message when the platform has no Worker', () => {
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
    let caught: unknown;
    try {
      new EngineClient(() => new FakeWorker() as unknown as Worker);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkerUnavailableError);
    const message = (caught as Error).message;
    expect(message).toMatch(/Web Workers/);
    expect(message).toMatch(/Chrome|Firefox|Safari/);
  });
});

describe('EngineClient with a fake worker', () => {
  beforeEach(() => {
    vi.stubGlobal('Worker', class {});
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('does not start a worker until the first request', () => {
    const { workers } = setup();
    expect(workers).toHaveLength(0);
  });

  it('load posts a load request with the page address and resolves with the loaded payload', async () => {
    vi.stubGlobal('location', { href: 'http://localhost:5173/lab/' });
    const { client, workers } = setup();
    const progress: LoadProgress[] = [];
    const loaded = client.load({ modelUrl: 'models/tl-gpt/', backend: 'auto' }, (p) => progress.push(p));
    const worker = workers[0];
    const request = worker.last();
    expect(request).toMatchObject({ kind: 'load', payload: { modelUrl: 'models/tl-gpt/', backend: 'auto', baseUrl: 'http://localhost:5173/lab/' } });
    const p1: LoadProgress = { file: 'config.json', loadedBytes: 10, totalBytes: 20, overallLoadedBytes: 10, phase: 'download' };
    const p2: LoadProgress = { ...p1, loadedBytes: 20, overallLoadedBytes: 20 };
    worker.reply({ kind: 'progress', id: request.id, payload: p1 });
    worker.reply({ kind: 'progress', id: request.id, payload: p2 });
    worker.reply({ kind: 'loaded', id: request.id, payload: INFO });
    await expect(loaded).resolves.toEqual(INFO);
    expect(progress).toEqual([p1, p2]);
  });

  it('generate forwards token events in order and resolves on done', async () => {
    const { client, workers } = setup();
    const tokens: TokenPayload[] = [];
    const handle = client.generate([{ role: 'user', content: 'Hi' }], SETTINGS, (t) => tokens.push(t));
    const worker = workers[0];
    expect(worker.last()).toEqual({ kind: 'generate', id: handle.id, payload: { messages: [{ role: 'user', content: 'Hi' }], settings: SETTINGS } });
    const t1: TokenPayload = { text: 'Hel', tokenId: 5, stats: STATS };
    const t2: TokenPayload = { text: 'lo', tokenId: 6, stats: STATS };
    worker.reply({ kind: 'token', id: handle.id, payload: t1 });
    worker.reply({ kind: 'token', id: handle.id, payload: t2 });
    const result: GenerationResult = {
      text: 'Hello',
      tokenIds: [5, 6],
      promptIds: [1, 2, 3],
      reason: 'max-tokens',
      seed: 1,
      stats: STATS,
    };
    worker.reply({ kind: 'done', id: handle.id, payload: result });
    await expect(handle.done).resolves.toEqual(result);
    expect(tokens).toEqual([t1, t2]);
  });

  it('an error event rejects with the worker error name and message', async () => {
    const { client, workers } = setup();
    const loaded = client.load({ modelUrl: 'x/', backend: 'webgpu' }, () => {});
    const worker = workers[0];
    const message = 'WebGPU was requested but cannot run here: no adapter. Choose the WASM backend.';
    worker.reply({ kind: 'error', id: worker.last().id, payload: { name: 'WebGpuUnavailableError', message } });
    const error = await rejection(loaded);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('WebGpuUnavailableError');
    expect(error.message).toBe(message);
  });

  it('after an error the same worker keeps serving requests', async () => {
    const { client, workers } = setup();
    const first = client.generate([], SETTINGS, () => {});
    workers[0].reply({ kind: 'error', id: first.id, payload: { name: 'NoModelLoadedError', message: 'No model is loaded yet.' } });
    await expect(first.done).rejects.toThrow('No model is loaded yet.');
    const second = client.generate([], SETTINGS, () => {});
    expect(workers).toHaveLength(1);
    expect(workers[0].last().id).toBe(second.id);
  });

  it('abort posts an abort message targeting the generation id', () => {
    const { client, workers } = setup();
    const handle = client.generate([], SETTINGS, () => {});
    client.abort(handle.id);
    const abort = workers[0].last();
    expect(abort.kind).toBe('abort');
    expect(abort.payload).toEqual({ target: handle.id });
    expect(abort.id).not.toBe(handle.id);
  });

  it('gives every request a unique id', () => {
    const { client, workers } = setup();
    const load = client.load({ modelUrl: 'm/', backend: 'wasm' }, () => {});
    void load.catch(() => {});
    const g1 = client.generate([], SETTINGS, () => {});
    const g2 = client.generate([], SETTINGS, () => {});
    client.abort(g2.id);
    const ids = workers[0].posted.map((m) => m.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(g1.id).not.toBe(g2.id);
  });

  it('a worker crash rejects every pending call with WorkerCrashedError; the next request starts a new worker', async () => {
    const { client, workers } = setup();
    const crashes: string[] = [];
    client.onCrash = (detail) => crashes.push(detail);
    const load = client.load({ modelUrl: 'm/', backend: 'wasm' }, () => {});
    const gen = client.generate([], SETTINGS, () => {});
    const first = workers[0];
    first.crash('out of memory in worker');
    // The app reloads the model on this call.
    expect(crashes).toEqual(['out of memory in worker']);

    for (const promise of [load, gen.done]) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect((error as Error).name).toBe('WorkerCrashedError');
      expect((error as Error).message).toContain('out of memory in worker');
      // The app reloads a running model by itself, so the message must not tell the user to.
      expect((error as Error).message).toMatch(/was restarted/);
      expect((error as Error).message).not.toMatch(/load the model again/);
    }
    expect(first.terminated).toBe(true);

    const again = client.generate([], SETTINGS, () => {});
    expect(workers).toHaveLength(2);
    expect(workers[1].last()).toMatchObject({ kind: 'generate', id: again.id });
    // The new request is served by the new worker.
    workers[1].reply({ kind: 'error', id: again.id, payload: { name: 'NoModelLoadedError', message: 'No model is loaded yet.' } });
    await expect(again.done).rejects.toThrow('No model is loaded yet.');
  });

  it('restart and dispose fail pending calls and end the worker, without reporting a crash', async () => {
    const { client, workers } = setup();
    const crashes: string[] = [];
    client.onCrash = (detail) => crashes.push(detail);
    const gen = client.generate([], SETTINGS, () => {});
    client.restart('the GPU device was lost');
    await expect(gen.done).rejects.toThrow(/the GPU device was lost/);
    expect(workers[0].terminated).toBe(true);
    const next = client.generate([], SETTINGS, () => {});
    expect(workers).toHaveLength(2);
    client.dispose();
    await expect(next.done).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(workers[1].terminated).toBe(true);
    expect(crashes).toEqual([]);
  });

  it('cancelLoad aborts the load in flight, and nothing once it has finished', async () => {
    const { client, workers } = setup();
    const load = client.load({ modelUrl: 'm/', backend: 'wasm' }, () => {});
    const loadId = workers[0].last().id;
    client.cancelLoad();
    expect(workers[0].last()).toMatchObject({ kind: 'abort', payload: { target: loadId } });
    workers[0].reply({ kind: 'error', id: loadId, payload: { name: 'DownloadCancelledError', message: 'Download cancelled.' } });
    await expect(load).rejects.toMatchObject({ name: 'DownloadCancelledError' });
    const posted = workers[0].posted.length;
    client.cancelLoad();
    expect(workers[0].posted).toHaveLength(posted);
  });
});
