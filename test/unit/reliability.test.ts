/**
 * The failures issue 16 found, each pinned where it starts: storage that throws, addresses `new URL()`
 * rejects, broken JSON kept in the cache, a lost GPU device read as a corrupt file, an HTML page in
 * place of a model file, a chat template that refuses, and a CORS hint where CORS is not the cause.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hubBaseUrl } from '../../src/models/hub';
import { needsConfirmation } from '../../src/models/shared-link';
import { readJsonSetting, readSetting, writeSetting } from '../../src/core/safe-storage';
import { cacheCall, openCacheStorage } from '../../src/core/safe-cache-storage';
import { requestPersistentStorage, storageEstimate, storagePersisted } from '../../src/core/safe-storage-manager';
import { ChatTemplateError, classifyRuntimeError, GpuDeviceLostError, ModelFetchError, ModelFormatError, ModelProbeError, OutOfMemoryError } from '../../src/core/errors';
import { Engine } from '../../src/engine/engine';
import { TextTokenizer } from '../../src/engine/tokenizer';
import { fetchModelFiles } from '../../src/models/fetch-model';
import { probeModel } from '../../src/models/probe';
import type { ModelFiles, ModelSource } from '../../src/core/model-files';
import { loadDraft, saveDraft } from '../../src/panels/chat/chat-drafts';
import { FIXTURE_MODEL_DIR, GPT2_TOKENIZER_DIR } from '../support/paths';
import { rejection } from '../support/rejection';

/** A localStorage that is full, or refuses everything, as private modes do. */
const throwingStore = {
  getItem: () => {
    throw new DOMException('denied', 'SecurityError');
  },
  setItem: () => {
    throw new DOMException('full', 'QuotaExceededError');
  },
};
const fullStore = { getItem: () => null, setItem: throwingStore.setItem };

describe('storage is never trusted', () => {
  it('a ?hub= link with a full or refusing localStorage still gives the Hub (no throw during render)', () => {
    expect(hubBaseUrl('?hub=http://127.0.0.1:9999', fullStore)).toBe('http://127.0.0.1:9999');
    expect(hubBaseUrl('?hub=http://127.0.0.1:9999', throwingStore)).toBe('http://127.0.0.1:9999');
    expect(hubBaseUrl('', throwingStore)).toBe('https://huggingface.co');
  });

  it('settings read as missing and writes report false, never throw', () => {
    expect(readSetting('k', throwingStore)).toBeNull();
    expect(writeSetting('k', 'v', throwingStore)).toBe(false);
    expect(writeSetting('k', 'v', null)).toBe(false);
    expect(readJsonSetting('k', { a: 1 }, { getItem: () => '{not json', setItem: () => undefined })).toEqual({ a: 1 });
    expect(readJsonSetting('k', {}, { getItem: () => '"a string"', setItem: () => undefined })).toEqual({});
    const refusing = { ...throwingStore, removeItem: throwingStore.setItem, key: () => null, length: 0 };
    expect(saveDraft('c1', 'unsent', { tab: refusing, page: refusing })).toBe(false);
    expect(loadDraft('c1', { tab: refusing, page: null })).toBe('');
  });

  it('Cache Storage that is missing or rejects gives null or the fallback', async () => {
    expect(await openCacheStorage('x')).toBeNull(); // node has no `caches`
    vi.stubGlobal('caches', { open: () => Promise.reject(new DOMException('no', 'SecurityError')) });
    try {
      expect(await openCacheStorage('x')).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(await cacheCall(() => Promise.reject(new Error('gone')), 'fallback')).toBe('fallback');
  });

  it('navigator.storage that rejects answers null', async () => {
    const reject = () => Promise.reject(new DOMException('no', 'SecurityError'));
    vi.stubGlobal('navigator', { storage: { estimate: reject, persisted: reject, persist: reject } });
    try {
      expect(await storageEstimate()).toBeNull();
      expect(await storagePersisted()).toBeNull();
      expect(await requestPersistentStorage()).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('a shared link never leaves the app waiting', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('javascript:, data:, relative folders and strings new URL() rejects resolve instead of throwing', async () => {
    vi.stubGlobal('location', { href: 'http://127.0.0.1:4173/app/', origin: 'http://127.0.0.1:4173', search: '' });
    const heads: string[] = [];
    vi.stubGlobal('fetch', (url: string | URL) => {
      heads.push(String(url));
      return Promise.resolve(new Response(null, { status: 404 }));
    });
    for (const param of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'http://[not a url', 'http://exa mple.com/m/', 'models/tl-gpt/']) {
      await expect(needsConfirmation(param, param, null), param).resolves.toBe(false);
    }
    // The relative folder is read where the engine will read it: beside the page.
    expect(heads).toEqual(['http://127.0.0.1:4173/app/models/tl-gpt/onnx/model.onnx']);
  });
});

/** A ModelSource serving given files from memory, recording what it is asked to forget. */
function memorySource(files: Partial<ModelFiles> | Error): ModelSource & { forgotten: string[] } {
  const forgotten: string[] = [];
  return {
    forgotten,
    fetch: async (folderUrl) => {
      if (files instanceof Error) throw files;
      return { folderUrl, config: {}, generationConfig: {}, tokenizerJson: {}, tokenizerConfig: {}, onnx: new Uint8Array(), externalData: [], totalBytes: 0, ...files };
    },
    forget: async (folderUrl) => {
      forgotten.push(folderUrl);
    },
  };
}

describe('a broken file is not cached for good', () => {
  const request = { modelUrl: 'http://127.0.0.1:9/m/', baseUrl: 'http://127.0.0.1:4173/', backend: 'wasm' as const };

  it('a tokenizer.json the tokenizer cannot read drops the offline copy', async () => {
    const source = memorySource({ tokenizerJson: { model: { type: 'NoSuchModel' } } });
    const error = await rejection(new Engine(source).load(request, () => undefined));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).params.what).toBe('tokenizer.json');
    expect(source.forgotten).toEqual(['http://127.0.0.1:9/m/']);
  });

  it('a config.json that is not JSON drops the offline copy', async () => {
    const source = memorySource(new ModelFormatError('config.json', 'Unexpected token'));
    expect(await rejection(new Engine(source).load(request, () => undefined))).toBeInstanceOf(ModelFormatError);
    expect(source.forgotten).toEqual(['http://127.0.0.1:9/m/']);
  });

  it('a network failure keeps the offline copy', async () => {
    const source = memorySource(new ModelFetchError('http://127.0.0.1:9/m/config.json', { kind: 'unreachable', cause: 'Failed to fetch' }));
    expect(await rejection(new Engine(source).load(request, () => undefined))).toBeInstanceOf(ModelFetchError);
    expect(source.forgotten).toEqual([]);
  });
});

describe('runtime failures are named for what they are', () => {
  it('a failed mapAsync or a destroyed device on WebGPU is a device loss, not a corrupt model', () => {
    const mapAsync = new Error("Failed to execute 'mapAsync' on 'GPUBuffer': [Device] is lost.");
    expect(classifyRuntimeError('webgpu', mapAsync, 'The model')).toBeInstanceOf(GpuDeviceLostError);
    expect(classifyRuntimeError('webgpu', new Error('Buffer was destroyed before mapping was resolved.'), 'The model')).toBeInstanceOf(GpuDeviceLostError);
    expect(classifyRuntimeError('webgpu', new Error('Failed to allocate a buffer of size 268435456 bytes'), 'The model')).toBeInstanceOf(OutOfMemoryError);
    expect(classifyRuntimeError('wasm', new Error('protobuf parsing failed'), 'The model')).toBeInstanceOf(ModelFormatError);
    expect(classifyRuntimeError('webgpu', new Error('protobuf parsing failed'), 'The model')).toBeInstanceOf(ModelFormatError);
  });

  it('a chat template that raises names the template and quotes its message', () => {
    const tokenizerJson = JSON.parse(readFileSync(path.join(GPT2_TOKENIZER_DIR, 'tokenizer.json'), 'utf8')) as object;
    const template = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{{ messages[0]['content'] }}";
    const tokenizer = new TextTokenizer(tokenizerJson, { chat_template: template });
    let caught: unknown;
    try {
      tokenizer.encodeConversation([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ChatTemplateError);
    expect((caught as Error).message).toMatch(/chat template refused this conversation: "System role not supported"/);
    expect(tokenizer.encodeConversation([{ role: 'user', content: 'hi' }]).length).toBeGreaterThan(0);
  });

  it('the CORS hint comes only with a request to another site that got no answer', () => {
    expect(new ModelFetchError('http://h/a', { kind: 'unreachable', cause: 'Failed to fetch', origin: 'other' }).message).toMatch(/CORS/);
    expect(new ModelFetchError('http://h/a', { kind: 'unreachable', cause: 'Failed to fetch', origin: 'same' }).message).not.toMatch(/CORS/);
    expect(new ModelFetchError('http://h/a', { kind: 'hash-mismatch' }).message).not.toMatch(/CORS/);
    expect(new ModelFetchError('http://h/a', { kind: 'interrupted', loaded: 5, total: 9, cause: 'network error' }).message).not.toMatch(/CORS/);
    expect(new ModelFetchError('http://h/a', { kind: 'http-status', status: 404, statusText: 'Not Found' }).message).not.toMatch(/CORS/);
  });
});

describe('an HTML page in place of a model file is named as such', () => {
  const PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>';
  let server: Server;
  let origin = '';
  /** file → [content type, body]; every other file comes from the fixture. */
  const answers: Record<string, [string, string]> = {};
  beforeAll(async () => {
    server = createServer((req, res) => {
      const file = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/m\//, '');
      const answer = answers[file];
      if (answer) {
        res.writeHead(200, { 'Content-Type': answer[0] }).end(req.method === 'HEAD' ? undefined : answer[1]);
        return;
      }
      try {
        const body = readFileSync(path.join(FIXTURE_MODEL_DIR, file));
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    for (const key of Object.keys(answers)) delete answers[key];
  });

  it('an HTML config.json is "an HTML page, not config.json", on download and on the size probe', async () => {
    answers['config.json'] = ['text/html; charset=utf-8', PAGE];
    const error = await rejection(fetchModelFiles(`${origin}/m/`, () => undefined));
    expect(error).toBeInstanceOf(ModelFetchError);
    expect((error as Error).message).toContain('the server answered with an HTML page, not config.json');
    expect((error as Error).message).not.toMatch(/CORS/);
    const probe = await rejection(probeModel(`${origin}/m/`, null));
    expect(probe).toBeInstanceOf(ModelProbeError);
    expect((probe as Error).message).toContain('an HTML page, not config.json');
  });

  it('HTML weights are named even when the server calls them application/octet-stream', async () => {
    answers['onnx/model.onnx'] = ['application/octet-stream', PAGE];
    const error = await rejection(fetchModelFiles(`${origin}/m/`, () => undefined));
    expect((error as Error).message).toContain('an HTML page, not onnx/model.onnx');
  });

  it('the size probe does not offer an HTML page as weights', async () => {
    for (const file of ['onnx/model.onnx', 'onnx/model_fp16.onnx', 'onnx/model_q4.onnx', 'onnx/model_q4f16.onnx']) answers[file] = ['text/html', PAGE];
    const error = await rejection(probeModel(`${origin}/m/`, null));
    expect(error).toBeInstanceOf(ModelProbeError);
    expect((error as Error).message).toContain('an HTML page, not onnx/model.onnx');
  });
});
