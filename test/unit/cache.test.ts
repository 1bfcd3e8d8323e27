import { describe, expect, it, beforeEach } from 'vitest';
import { ModelCache, sha256FromHeaders, sha256Hex, isQuotaError } from '../../src/models/cache';
import { DownloadRate, formatDuration } from '../../src/models/download-rate';
import { assessFit, estimateMemory } from '../../src/models/memory';

/** Just enough of Cache Storage for ModelCache, in memory (Node has no `caches`). */
class MemoryCache {
  readonly entries = new Map<string, Response>();
  quota = Infinity;
  async match(request: RequestInfo | URL) {
    return this.entries.get(String(request instanceof Request ? request.url : request))?.clone();
  }
  async put(request: RequestInfo | URL, response: Response) {
    const body = new Uint8Array(await response.clone().arrayBuffer());
    if (body.length > this.quota) throw new DOMException('Quota exceeded.', 'QuotaExceededError');
    this.entries.set(String(request), response);
  }
  async delete(request: RequestInfo | URL) {
    return this.entries.delete(String(request instanceof Request ? request.url : request));
  }
  async keys() {
    return [...this.entries.keys()].map((url) => new Request(url));
  }
}

let memory: MemoryCache;
let cache: ModelCache;
beforeEach(async () => {
  memory = new MemoryCache();
  (globalThis as { caches?: unknown }).caches = { open: async () => memory };
  cache = (await ModelCache.open())!;
});

const folder = 'http://hub.test/org/m/resolve/main/';
const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

describe('ModelCache', () => {
  it('gives back what was stored and lists models with their sizes', async () => {
    await cache.write(`${folder}onnx/model.onnx`, folder, 'onnx/model.onnx', bytes, await sha256Hex(bytes));
    await cache.write(`${folder}config.json`, folder, 'config.json', new Uint8Array([123, 125]), null);
    await cache.writeMissing(`${folder}generation_config.json`, folder, 'generation_config.json');
    const read = await cache.read(`${folder}onnx/model.onnx`);
    expect(read.status).toBe('hit');
    expect(read.status === 'hit' && [...read.data]).toEqual([...bytes]);
    expect((await cache.read(`${folder}generation_config.json`)).status).toBe('missing');
    expect(await cache.storedBytes(`${folder}onnx/model.onnx`)).toBe(8);
    expect(await cache.storedBytes(`${folder}tokenizer.json`)).toBeNull();
    expect(await cache.list()).toEqual([expect.objectContaining({ folderUrl: folder, totalBytes: 10, files: expect.any(Array) })]);
    expect(await cache.deleteModel(folder)).toBe(3);
    expect(await cache.list()).toEqual([]);
  });

  it('notices a truncated copy and a changed one, and drops them', async () => {
    const url = `${folder}onnx/model.onnx`;
    await cache.write(url, folder, 'onnx/model.onnx', bytes, await sha256Hex(bytes));
    const stored = memory.entries.get(url)!;
    memory.entries.set(url, new Response(bytes.slice(0, 3), { headers: stored.headers }));
    expect(await cache.read(url)).toEqual({ status: 'corrupt', reason: { kind: 'size', actual: 3, expected: 8 } });
    expect(await cache.read(url)).toEqual({ status: 'miss' });

    await cache.write(url, folder, 'onnx/model.onnx', bytes, await sha256Hex(bytes));
    const flipped = bytes.slice();
    flipped[0] = 99;
    memory.entries.set(url, new Response(flipped, { headers: memory.entries.get(url)!.headers }));
    expect(await cache.read(url)).toEqual({ status: 'corrupt', reason: { kind: 'sha256' } });
  });

  it('lets a full quota surface as a recognisable error', async () => {
    memory.quota = 4;
    const error = await cache.write(`${folder}onnx/model.onnx`, folder, 'onnx/model.onnx', bytes, null).catch((e: unknown) => e);
    expect(isQuotaError(error)).toBe(true);
  });
});

describe('hash headers', () => {
  it('takes a SHA-256 from the Hub ETag headers only when it is one', () => {
    const sha = 'a'.repeat(64);
    expect(sha256FromHeaders(new Headers({ etag: `"${sha}"` }))).toBe(sha);
    expect(sha256FromHeaders(new Headers({ 'x-linked-etag': `"${sha.toUpperCase()}"`, etag: '"abc"' }))).toBe(sha);
    expect(sha256FromHeaders(new Headers({ etag: 'W/"1234-abcd"' }))).toBeNull();
  });
});

describe('download speed and time left', () => {
  it('measures over a sliding window and says nothing before it can', () => {
    const rate = new DownloadRate(3000);
    rate.add(0, 0);
    expect(rate.bytesPerSecond()).toBeNull();
    rate.add(1000, 1_000_000);
    expect(rate.bytesPerSecond()).toBe(1_000_000);
    expect(rate.secondsLeft(5_000_000)).toBe(5);
    rate.add(10_000, 1_000_000); // stalled: the old fast samples leave the window
    expect(rate.bytesPerSecond()).toBe(0);
    expect(rate.secondsLeft(1)).toBeNull();
    expect(formatDuration(42.2)).toBe('43 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
  });
});

describe('memory estimate', () => {
  const config = { numLayers: 24, numKvHeads: 2, headDim: 64, vocabSize: 151936, contextLength: 32768, eosIds: [], hiddenSize: 896 };
  const gpu = { adapter: { shaderF16: true, maxBufferSize: 256 * 1024 ** 2, maxStorageBufferBindingSize: 128 * 1024 ** 2 }, deviceMemoryGB: 8 };

  it('adds the KV cache to the weights', () => {
    const estimate = estimateMemory(500 * 1024 ** 2, config, 'q4f16', 4096);
    expect(estimate.kvCacheBytes).toBe(2 * 24 * 2 * 64 * 4096 * 2);
    expect(estimate.totalBytes).toBeGreaterThan(estimate.weightsBytes + estimate.kvCacheBytes);
  });

  it('refuses what cannot fit and warns about what might not', () => {
    expect(assessFit(estimateMemory(5 * 1024 ** 3, config, 'fp32', 4096), 'wasm', gpu).level).toBe('refuse');
    expect(assessFit(estimateMemory(500 * 1024 ** 2, config, 'fp32', 4096), 'webgpu', gpu)).toEqual({ level: 'refuse', reason: { kind: 'gpu-buffer', tensorBytes: expect.any(Number), maxBufferBytes: 256 * 1024 ** 2 } });
    expect(assessFit(estimateMemory(3 * 1024 ** 3, config, 'q4f16', 4096), 'wasm', { adapter: null, deviceMemoryGB: 4 }).level).toBe('warn');
    const bigGpu = { ...gpu, adapter: { ...gpu.adapter, maxBufferSize: 2 * 1024 ** 3 } };
    expect(assessFit(estimateMemory(300 * 1024 ** 2, config, 'q4f16', 4096), 'webgpu', bigGpu)).toEqual({ level: 'ok', reason: null });
  });
});
