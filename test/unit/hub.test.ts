import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_HUB_URL, DTYPES, hubBaseUrl, hubFolderUrl, hubIdFromFolderUrl, isHubId, onnxFileForDtype } from '../../src/models/hub';
import { resolveModelParam } from '../../src/models/catalog';
import { DTYPE_SPEED, defaultDtype } from '../../src/models/dtype-speed';
import { needsConfirmation } from '../../src/models/shared-link';
import { externalDataFiles } from '../../src/models/fetch-model';
import { modelNameFromUrl } from '../../src/core/model-url';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('Hub ids', () => {
  it('recognises owner/name and nothing that is a path or URL', () => {
    for (const id of ['HuggingFaceTB/SmolLM2-135M-Instruct', 'onnx-community/Qwen2.5-0.5B-Instruct', 'test-org/stories260k']) expect(isHubId(id)).toBe(true);
    for (const other of ['models/tl-gpt', 'models/tl-gpt/', './a/b', '/a/b', 'a/b/', 'a/b/c', 'https://huggingface.co/a/b', 'tl-gpt', '', 'a/ b']) {
      expect(isHubId(other), other).toBe(false);
    }
  });

  it('builds resolve/main folder URLs and reads the id back', () => {
    const url = hubFolderUrl('onnx-community/Llama-3.2-1B-Instruct', 'http://127.0.0.1:9999');
    expect(url).toBe('http://127.0.0.1:9999/onnx-community/Llama-3.2-1B-Instruct/resolve/main/');
    expect(new URL('onnx/model_q4.onnx', url).href).toBe('http://127.0.0.1:9999/onnx-community/Llama-3.2-1B-Instruct/resolve/main/onnx/model_q4.onnx');
    expect(hubIdFromFolderUrl(url)).toBe('onnx-community/Llama-3.2-1B-Instruct');
    expect(hubIdFromFolderUrl('http://x/models/tl-gpt/')).toBeNull();
    expect(modelNameFromUrl(url)).toBe('onnx-community/Llama-3.2-1B-Instruct');
  });

  it('takes the Hub from ?hub=, remembers it, and ignores anything but http(s)', () => {
    const storage = memoryStorage();
    expect(hubBaseUrl('', storage)).toBe(DEFAULT_HUB_URL);
    expect(hubBaseUrl('?hub=http://127.0.0.1:4000/', storage)).toBe('http://127.0.0.1:4000');
    expect(hubBaseUrl('', storage)).toBe('http://127.0.0.1:4000');
    expect(hubBaseUrl('?hub=javascript:alert(1)', memoryStorage())).toBe(DEFAULT_HUB_URL);
  });

  it('resolves ?model= Hub ids to folder URLs and leaves embedded ids and URLs alone', () => {
    expect(resolveModelParam('tl-gpt')).toMatch(/models\/tl-gpt\/$/);
    expect(resolveModelParam('http://example.org/m/')).toBe('http://example.org/m/');
    expect(resolveModelParam('org/name')).toMatch(/\/org\/name\/resolve\/main\/$/);
  });
});

describe('dtypes', () => {
  it('maps every transformers.js dtype to its file name', () => {
    expect(Object.fromEntries(DTYPES.map((d) => [d, onnxFileForDtype(d)]))).toEqual({
      fp32: 'onnx/model.onnx',
      fp16: 'onnx/model_fp16.onnx',
      q8: 'onnx/model_quantized.onnx',
      int8: 'onnx/model_int8.onnx',
      uint8: 'onnx/model_uint8.onnx',
      q4: 'onnx/model_q4.onnx',
      bnb4: 'onnx/model_bnb4.onnx',
      q4f16: 'onnx/model_q4f16.onnx',
    });
  });

  const fitting = (...dtypes: (typeof DTYPES)[number][]) => dtypes.map((dtype) => ({ dtype, fit: 'ok' as const }));

  it('defaults to the fastest measured dtype on WASM, not the smallest', () => {
    const fastest = DTYPES.filter((d) => DTYPE_SPEED.wasm[d] !== null).reduce((a, b) => (DTYPE_SPEED.wasm[b]! > DTYPE_SPEED.wasm[a]! ? b : a));
    expect(defaultDtype(fitting(...DTYPES), 'wasm', false)).toBe(fastest);
    // q8 and q4 are both measured; the faster wins whatever the download size.
    expect(defaultDtype(fitting('q8', 'q4'), 'wasm', false)).toBe(DTYPE_SPEED.wasm.q8! > DTYPE_SPEED.wasm.q4! ? 'q8' : 'q4');
    // A measured dtype beats an unmeasured one; with none measured, the smallest download.
    expect(DTYPE_SPEED.wasm.bnb4).toBeNull();
    expect(defaultDtype(fitting('bnb4', 'q4'), 'wasm', false)).toBe('q4');
    expect(defaultDtype(fitting('bnb4'), 'wasm', false)).toBe('bnb4');
  });

  it('never defaults to a dtype that will not fit, and prefers one that fits well', () => {
    expect(defaultDtype([{ dtype: 'fp32', fit: 'refuse' }, { dtype: 'q4', fit: 'ok' }], 'wasm', false)).toBe('q4');
    expect(defaultDtype([{ dtype: 'fp32', fit: 'warn' }, { dtype: 'q8', fit: 'ok' }], 'wasm', false)).toBe('q8');
    expect(defaultDtype([{ dtype: 'fp32', fit: 'refuse' }], 'wasm', false)).toBeNull();
    expect(defaultDtype([], 'webgpu', true)).toBeNull();
  });

  it('uses fp16 arithmetic on WebGPU only where the GPU has shader-f16 while no WebGPU speeds are measured', () => {
    // Once WebGPU speeds are measured, the rule of the WASM test above applies instead.
    expect(DTYPES.filter((d) => d !== 'fp32' && DTYPE_SPEED.webgpu[d] !== null)).toEqual([]);
    expect(defaultDtype(fitting('fp32', 'fp16', 'q4', 'q4f16'), 'webgpu', true)).toBe('q4f16');
    expect(defaultDtype(fitting('fp32', 'fp16', 'q4', 'q4f16'), 'webgpu', false)).toBe('q4');
    expect(defaultDtype(fitting('fp32', 'fp16'), 'webgpu', false)).toBe('fp32');
    // 8-bit MatMulInteger exports decoded wrongly on WebGPU: fp32 first while nothing is measured.
    expect(defaultDtype(fitting('fp32', 'q8', 'uint8'), 'webgpu', false)).toBe('fp32');
    expect(defaultDtype(fitting('fp32', 'q8'), 'webgpu', true)).toBe('fp32');
  });
});

describe('external data', () => {
  it('reads the transformers.js flag in its boolean and per-file forms', () => {
    const config = (flag: unknown) => ({ 'transformers.js_config': { use_external_data_format: flag } });
    expect(externalDataFiles({}, 'onnx/model.onnx')).toEqual([]);
    expect(externalDataFiles(config(true), 'onnx/model.onnx')).toEqual(['onnx/model.onnx_data']);
    expect(externalDataFiles(config({ 'model.onnx': true }), 'onnx/model_q4f16.onnx')).toEqual([]);
    expect(externalDataFiles(config({ 'model.onnx': 2 }), 'onnx/model.onnx')).toEqual(['onnx/model.onnx_data', 'onnx/model.onnx_data_1']);
  });
});

describe('shared links', () => {
  it('load embedded models at once and make Hub ids wait for a click', async () => {
    expect(await needsConfirmation(null, 'x', null)).toBe(false);
    expect(await needsConfirmation('tl-gpt', 'x', null)).toBe(false);
    expect(await needsConfirmation('org/name', 'http://127.0.0.1:9/org/name/resolve/main/', null)).toBe(true);
  });

  it('load a Hub model at once when its weights are cached', async () => {
    const cache = { storedBytes: async (url: string) => (url.endsWith('onnx/model.onnx') ? 123 : null) };
    expect(await needsConfirmation('org/name', 'http://127.0.0.1:9/org/name/resolve/main/', cache as never)).toBe(false);
  });

  it('probe the weights inside a folder URL given without its trailing slash', async () => {
    const heads: string[] = [];
    vi.stubGlobal('fetch', async (url: URL | string) => {
      heads.push(String(url));
      return new Response(null, { status: 200, headers: { 'content-length': String(60 * 1024 ** 2) } });
    });
    const checked: string[] = [];
    const cache = { storedBytes: async (url: string) => (checked.push(url), null) };
    try {
      expect(await needsConfirmation('https://example.org/models/my-model', 'https://example.org/models/my-model', cache as never)).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(checked).toEqual(['https://example.org/models/my-model/onnx/model.onnx']);
    expect(heads).toEqual(['https://example.org/models/my-model/onnx/model.onnx']);
  });
});
