import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchModelFiles } from '../../src/models/fetch-model';
import { modelNameFromUrl, resolveFolderUrl } from '../../src/core/model-url';
import { readDecoderConfig } from '../../src/core/model-config';
import { ModelFetchError, ModelFileMissingError, ModelFormatError, ModelUrlError } from '../../src/core/errors';
import { startStaticServer, type StaticServer } from '../support/static-server';
import { rejection } from '../support/rejection';


describe('resolveFolderUrl', () => {
  const page = 'http://localhost:5173/lab/index.html?x=1';

  it('resolves a relative path against the page and adds a trailing slash', () => {
    expect(resolveFolderUrl('models/tl-gpt', page)).toBe('http://localhost:5173/lab/models/tl-gpt/');
    expect(resolveFolderUrl('models/tl-gpt/', page)).toBe('http://localhost:5173/lab/models/tl-gpt/');
    expect(resolveFolderUrl('/models/x', page)).toBe('http://localhost:5173/models/x/');
    expect(resolveFolderUrl('  ../m  ', page)).toBe('http://localhost:5173/m/');
  });

  it('keeps absolute http(s) addresses, adding the slash to the path only', () => {
    expect(resolveFolderUrl('https://huggingface.co/org/model/resolve/main', page)).toBe('https://huggingface.co/org/model/resolve/main/');
    expect(resolveFolderUrl('http://127.0.0.1:8080/m/', page)).toBe('http://127.0.0.1:8080/m/');
    expect(resolveFolderUrl('https://cdn.example/m?token=abc', page)).toBe('https://cdn.example/m/?token=abc');
  });

  it('rejects empty, malformed and non-http addresses with a helpful ModelUrlError', () => {
    for (const bad of ['', '   ', 'ftp://example.org/m/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/plain,hi', 'http://']) {
      let caught: unknown;
      try {
        resolveFolderUrl(bad, page);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(bad)).toBeInstanceOf(ModelUrlError);
      const message = (caught as Error).message;
      expect(message).toContain(`"${bad}"`);
      expect(message).toMatch(/http\(s\) URL/);
    }
  });

  it('a relative path without a usable page address is rejected', () => {
    expect(() => resolveFolderUrl('models/tl-gpt/', '')).toThrow(ModelUrlError);
  });

  it('modelNameFromUrl takes the last folder name', () => {
    expect(modelNameFromUrl('http://h/models/stories%20260k/')).toBe('stories 260k');
    expect(modelNameFromUrl('https://h/a/b/tl-gpt/')).toBe('tl-gpt');
  });
});

describe('readDecoderConfig', () => {
  it('reads a Llama-style config, merging eos ids from generation_config (list) and config', () => {
    const config = {
      architectures: ['LlamaForCausalLM'],
      num_hidden_layers: 22,
      num_attention_heads: 32,
      hidden_size: 2048,
      vocab_size: 32000,
      max_position_embeddings: 2048,
      eos_token_id: 2,
    };
    const result = readDecoderConfig(config, { eos_token_id: [2, 32000] }, {});
    expect(result).toEqual({ numLayers: 22, numKvHeads: 32, headDim: 64, vocabSize: 32000, contextLength: 2048, eosIds: [2, 32000] });
  });

  it('reads a GPT-2-style config (n_layer / n_head / n_embd / n_positions)', () => {
    const config = { model_type: 'gpt2', n_layer: 12, n_head: 12, n_embd: 768, n_positions: 1024, n_ctx: 1024, vocab_size: 50257, eos_token_id: 50256 };
    const result = readDecoderConfig(config, {}, {});
    expect(result).toEqual({ numLayers: 12, numKvHeads: 12, headDim: 64, vocabSize: 50257, contextLength: 1024, eosIds: [50256] });
  });

  it('reads grouped-query attention: fewer key/value heads than query heads', () => {
    const config = {
      num_hidden_layers: 28,
      num_attention_heads: 16,
      num_key_value_heads: 8,
      hidden_size: 1024,
      head_dim: 128,
      vocab_size: 151936,
      max_position_embeddings: 40960,
      eos_token_id: 151645,
    };
    const result = readDecoderConfig(config, { eos_token_id: 151643 }, {});
    expect(result.numKvHeads).toBe(8);
    // An explicit head_dim wins over hidden_size / heads (which would be 64).
    expect(result.headDim).toBe(128);
    expect(result.numLayers).toBe(28);
    expect(result.contextLength).toBe(40960);
    expect([...result.eosIds].sort()).toEqual([151643, 151645]);
  });

  it('a single eos id in generation_config is merged without duplicates', () => {
    const result = readDecoderConfig({ n_layer: 1, n_head: 1, n_embd: 8, eos_token_id: 0 }, { eos_token_id: 0 }, {});
    expect(result.eosIds).toEqual([0]);
  });

  it('no eos id anywhere gives an empty list; missing context length falls back to the tokenizer, then 2048', () => {
    expect(readDecoderConfig({ n_layer: 1 }, {}, {}).eosIds).toEqual([]);
    expect(readDecoderConfig({ n_layer: 1 }, {}, { model_max_length: 512 }).contextLength).toBe(512);
    expect(readDecoderConfig({ n_layer: 1 }, {}, {}).contextLength).toBe(2048);
  });

  it('reads the language model of a multimodal config (text_config)', () => {
    const config = { text_config: { num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, hidden_size: 256, vocab_size: 1000, max_position_embeddings: 4096, eos_token_id: [1, 106] } };
    const result = readDecoderConfig(config, {}, {});
    expect(result).toEqual({ numLayers: 4, numKvHeads: 2, headDim: 64, vocabSize: 1000, contextLength: 4096, eosIds: [1, 106] });
  });
});

describe('fetchModelFiles against a local static server', () => {
  let dir: string;
  let server: StaticServer;
  let folder: string;
  const onnx = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) & 0xff);
  const config = { model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 16, n_positions: 64, vocab_size: 100 };
  const tokenizerJson = { version: '1.0', model: { type: 'BPE', vocab: { a: 0 }, merges: [] } };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tl-model-files-'));
    server = await startStaticServer({ '/m/': dir });
    folder = `${server.origin}/m/`;
    // Node loads its fetch implementation lazily on first use (seconds on a cold machine): do it here.
    await (await fetch(`${server.origin}/warm-up`)).arrayBuffer();
  }, 30_000);

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.join(dir, 'onnx'), { recursive: true });
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
    await writeFile(path.join(dir, 'onnx/model.onnx'), onnx);
  });

  type Progress = { file: string; loaded: number; total: number | null; overall: number };
  const recorder = () => {
    const events: Progress[] = [];
    const callback = (file: string, loaded: number, total: number | null, overall: number) => events.push({ file, loaded, total, overall });
    return { events, callback };
  };

  it('downloads a complete folder; optional files may be absent', async () => {
    const { callback } = recorder();
    const files = await fetchModelFiles(folder, callback);
    expect(files.folderUrl).toBe(folder);
    expect(files.config).toEqual(config);
    expect(files.tokenizerJson).toEqual(tokenizerJson);
    expect(files.generationConfig).toEqual({});
    expect(files.tokenizerConfig).toEqual({});
    expect(files.onnx).toEqual(onnx);
    expect(files.externalData).toEqual([]);
    expect(files.totalBytes).toBe(JSON.stringify(config).length + JSON.stringify(tokenizerJson).length + onnx.length);
  });

  it('an extra graph fetched for the analysis counts in the download, not in the model size every panel shows', async () => {
    const attentions = new Uint8Array(onnx.length + 7).fill(3);
    await writeFile(path.join(dir, 'onnx/model_attentions.onnx'), attentions);
    const plain = await fetchModelFiles(folder, () => {});
    const withExtra = await fetchModelFiles(folder, () => {}, { extraOnnxFiles: ['onnx/model_attentions.onnx'] });
    expect(withExtra.totalBytes).toBe(plain.totalBytes + attentions.length);
    expect(withExtra.modelBytes).toBe(plain.modelBytes);
    expect(plain.modelBytes).toBe(plain.totalBytes);
  });

  it('reads the optional files when present', async () => {
    await writeFile(path.join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: [5, 6] }));
    await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 64 }));
    const files = await fetchModelFiles(folder, () => {});
    expect(files.generationConfig).toEqual({ eos_token_id: [5, 6] });
    expect(files.tokenizerConfig).toEqual({ model_max_length: 64 });
    expect(readDecoderConfig(files.config, files.generationConfig, files.tokenizerConfig).eosIds).toEqual([5, 6]);
  });

  it('reports progress with increasing loaded bytes that reach each file size', async () => {
    const { events, callback } = recorder();
    await fetchModelFiles(folder, callback);
    const sizes: Record<string, number> = {
      'config.json': JSON.stringify(config).length,
      'tokenizer.json': JSON.stringify(tokenizerJson).length,
      'onnx/model.onnx': onnx.length,
    };
    expect([...new Set(events.map((e) => e.file))]).toEqual(['config.json', 'tokenizer.json', 'onnx/model.onnx']);
    for (const [file, size] of Object.entries(sizes)) {
      const mine = events.filter((e) => e.file === file);
      for (let i = 1; i < mine.length; i++) expect(mine[i].loaded).toBeGreaterThan(mine[i - 1].loaded);
      expect(mine[mine.length - 1].loaded).toBe(size);
      for (const e of mine) expect(e.total).toBe(size);
    }
    // The large file arrives in several chunks, so the user sees it move.
    expect(events.filter((e) => e.file === 'onnx/model.onnx').length).toBeGreaterThan(1);
    for (let i = 1; i < events.length; i++) expect(events[i].overall).toBeGreaterThan(events[i - 1].overall);
    expect(events[events.length - 1].overall).toBe(Object.values(sizes).reduce((a, b) => a + b, 0));
  });

  it('a missing config.json is a ModelFileMissingError naming the file and the folder', async () => {
    await rm(path.join(dir, 'config.json'));
    const error = await rejection(fetchModelFiles(folder, () => {}));
    expect(error).toBeInstanceOf(ModelFileMissingError);
    expect(error.name).toBe('ModelFileMissingError');
    expect(error.message).toContain('config.json');
    expect(error.message).toContain(folder);
  });

  it('a missing model.onnx is reported by name', async () => {
    await rm(path.join(dir, 'onnx/model.onnx'));
    await expect(fetchModelFiles(folder, () => {})).rejects.toThrow(ModelFileMissingError);
    await expect(fetchModelFiles(folder, () => {})).rejects.toThrow(/no onnx\/model\.onnx/);
  });

  it('external weights are fetched when the config says so, and their absence is reported', async () => {
    const withExternal = { ...config, 'transformers.js_config': { use_external_data_format: true } };
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(withExternal));
    await expect(fetchModelFiles(folder, () => {})).rejects.toThrow(/no onnx\/model\.onnx_data/);
    const weights = new Uint8Array(1000).fill(9);
    await writeFile(path.join(dir, 'onnx/model.onnx_data'), weights);
    const files = await fetchModelFiles(folder, () => {});
    expect(files.externalData).toEqual([{ path: 'model.onnx_data', data: weights }]);
  });

  it('malformed JSON is a ModelFormatError naming the file', async () => {
    await writeFile(path.join(dir, 'config.json'), '{"n_layer": 2,');
    const error = await rejection(fetchModelFiles(folder, () => {}));
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/^config\.json is not usable/);
  });

  it('JSON that is not an object is a ModelFormatError', async () => {
    await writeFile(path.join(dir, 'tokenizer.json'), '[1, 2, 3]');
    await expect(fetchModelFiles(folder, () => {})).rejects.toThrow(ModelFormatError);
    await expect(fetchModelFiles(folder, () => {})).rejects.toThrow(/tokenizer\.json.*expected a JSON object/);
  });

  it('an unreachable server is a ModelFetchError that tells the user what to check', async () => {
    const closed = await startStaticServer({ '/m/': dir });
    const url = `${closed.origin}/m/`;
    await closed.close();
    const error = await rejection(fetchModelFiles(url, () => {}));
    expect(error).toBeInstanceOf(ModelFetchError);
    expect(error.message).toContain(`${url}config.json`);
    expect(error.message).toMatch(/could not be reached/);
    expect(error.message).toMatch(/CORS/);
  });
});

describe('fetchModelFiles against a misbehaving server', () => {
  let server: Server;
  let origin: string;
  let handler: (url: string, response: import('node:http').ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((request, response) => handler(request.url ?? '/', response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    server.closeAllConnections();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a server error is a ModelFetchError with the status', async () => {
    handler = (_url, response) => response.writeHead(503, 'Service Unavailable').end('busy');
    const error = await rejection(fetchModelFiles(`${origin}/m/`, () => {}));
    expect(error).toBeInstanceOf(ModelFetchError);
    expect(error.message).toMatch(/503 Service Unavailable/);
  });

  it('a download cut short is a ModelFetchError, not a raw network error', async () => {
    handler = (_url, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      response.write('{"n_layer": 2');
      setTimeout(() => response.destroy(), 20);
    };
    const error = await rejection(fetchModelFiles(`${origin}/m/`, () => {}));
    expect(error).toBeInstanceOf(ModelFetchError);
    expect(error.message).toContain(`${origin}/m/config.json`);
    expect(error.message).toMatch(/stopped after 13 of 1000 bytes/);
  });
});
