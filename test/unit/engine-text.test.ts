/**
 * Engine errors have one wording (src/core/error-wording.ts). Where no locale is loaded (the
 * workers, Node) it is plain English and the error's message; the page words the name + params that
 * crossed the worker with it: in English exactly the engine's message, in Chinese a translation
 * that keeps every number and name the user needs.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { configureLocalization } from '@lit/localize';
import * as errors from '../../src/core/errors';
import { corruptCopyText, errorText, stopNoteText } from '../../src/i18n/engine-text';
import { ERROR_WORDING, describeWebGpuUnavailable } from '../../src/core/error-wording';
import type { WebGpuUnavailable } from '../../src/core/protocol';

/** One instance of every error class a user can meet, with the values its message must keep. */
const CASES: { error: errors.EngineError; keeps: string[] }[] = [
  { error: new errors.ModelUrlError('ftp://x'), keeps: ['ftp://x', 'models/tl-gpt/'] },
  { error: new errors.ModelFetchError('http://h/m/config.json', { kind: 'unreachable', cause: 'Failed to fetch', origin: 'other' }), keeps: ['http://h/m/config.json', 'Failed to fetch', 'CORS'] },
  { error: new errors.ModelFetchError('http://h/m/config.json', { kind: 'unreachable', cause: 'Failed to fetch', origin: 'same' }), keeps: ['http://h/m/config.json', 'Failed to fetch'] },
  { error: new errors.ModelFetchError('http://h/m/config.json', { kind: 'html-page', file: 'config.json' }), keeps: ['http://h/m/config.json', 'HTML', 'config.json'] },
  { error: new errors.ModelProbeError({ kind: 'html-page', url: 'http://h/m/onnx/model.onnx', file: 'onnx/model.onnx' }), keeps: ['http://h/m/onnx/model.onnx', 'HTML'] },
  { error: new errors.JspiUnavailableError(), keeps: ['JSPI', 'bench_webgpu_build=jspi'] },
  { error: new errors.ChatTemplateError('Conversation roles must alternate user/assistant'), keeps: ['Conversation roles must alternate user/assistant'] },
  { error: new errors.ModelFetchError('http://h/a', { kind: 'http-status', status: 503, statusText: 'Service Unavailable' }), keeps: ['503', 'Service Unavailable'] },
  { error: new errors.ModelFetchError('http://h/a', { kind: 'hash-mismatch' }), keeps: ['SHA-256'] },
  { error: new errors.ModelFetchError('http://h/a', { kind: 'interrupted', loaded: 13, total: 1000, cause: 'network error' }), keeps: ['13', '1000'] },
  { error: new errors.ModelFetchError('http://h/a', { kind: 'interrupted', loaded: 13, total: null, cause: '' }), keeps: ['13'] },
  { error: new errors.ModelFileMissingError('tokenizer.json', 'http://h/m/'), keeps: ['tokenizer.json', 'http://h/m/', 'onnx/model.onnx'] },
  { error: new errors.ModelFormatError('onnx/model.onnx', 'protobuf parsing failed'), keeps: ['onnx/model.onnx', 'protobuf parsing failed'] },
  { error: new errors.WebGpuUnavailableError({ code: 'no-adapter', detail: null }), keeps: ['WebGPU', 'WASM', '113'] },
  { error: new errors.WebGpuUnavailableError({ code: 'adapter-request-failed', detail: 'GPU process crashed' }), keeps: ['GPU process crashed'] },
  { error: new errors.OutOfMemoryError('webgpu', 'Failed to allocate 268435456 bytes'), keeps: ['webgpu', '268435456'] },
  { error: new errors.PromptTooLongError(600, 512), keeps: ['600', '512'] },
  { error: new errors.NoModelLoadedError(), keeps: [] },
  { error: new errors.WorkerUnavailableError(), keeps: ['Web Worker'] },
  { error: new errors.WorkerCrashedError('out of memory in worker'), keeps: ['out of memory in worker'] },
  { error: new errors.BenchWorkerCrashedError('out of memory in worker'), keeps: ['out of memory in worker'] },
  { error: new errors.StorageQuotaError(5 * 1024 ** 2), keeps: ['5.0'] },
  { error: new errors.OfflineSaveError('onnx/model.onnx', 'disk error'), keeps: ['onnx/model.onnx', 'disk error'] },
  { error: new errors.DownloadCancelledError(), keeps: [] },
  { error: new errors.LocalFolderError({ kind: 'no-cache-storage' }), keeps: ['Cache Storage'] },
  { error: new errors.LocalFolderError({ kind: 'not-a-model-folder', name: 'gpt2', missing: 'config.json, onnx/model.onnx' }), keeps: ['"gpt2"', 'config.json, onnx/model.onnx'] },
  { error: new errors.ModelProbeError({ kind: 'no-model', folderUrl: 'http://h/m/' }), keeps: ['http://h/m/', 'config.json'] },
  { error: new errors.ModelProbeError({ kind: 'http-status', url: 'http://h/m/config.json', status: 500, statusText: 'Oops' }), keeps: ['500', 'Oops'] },
  { error: new errors.ModelProbeError({ kind: 'offline-uncached', host: 'huggingface.co', cause: 'Failed to fetch' }), keeps: ['huggingface.co', 'Failed to fetch'] },
  { error: new errors.ModelProbeError({ kind: 'no-weights', folderUrl: 'http://h/m/' }), keeps: ['http://h/m/', 'model_q4f16'] },
  { error: new errors.GpuDeviceLostError('destroyed'), keeps: ['destroyed'] },
  { error: new errors.BenchLinkError({ kind: 'truncated' }), keeps: ['JSON'] },
  { error: new errors.BenchLinkError({ kind: 'tampered' }), keeps: ['JSON'] },
  { error: new errors.BenchLinkError({ kind: 'future', version: 3, readable: 2 }), keeps: ['3', '2'] },
  { error: new errors.BenchLinkError({ kind: 'invalid', detail: 'no records' }), keeps: ['no records'] },
];
const UNAVAILABLE: WebGpuUnavailable[] = [
  { code: 'no-webgpu-api', detail: null },
  { code: 'no-adapter', detail: null },
  { code: 'adapter-request-failed', detail: 'blocked' },
  { code: 'session-build-failed', detail: 'no shader-f16' },
];
const HAN = /[\u4e00-\u9fff]/;

describe('engine errors with no locale loaded (the worker), and in the English page', () => {
  it('every error class is worded in the one table, and its message is that wording in plain English', () => {
    const classes = Object.values(errors).filter((v): v is typeof errors.EngineError => typeof v === 'function' && v.prototype instanceof errors.EngineError);
    expect(classes.length).toBeGreaterThan(10);
    for (const cls of classes) expect(CASES.some((c) => c.error.constructor === cls), `a case for ${cls.name}`).toBe(true);
    for (const { error, keeps } of CASES) {
      expect(Object.hasOwn(ERROR_WORDING, error.name), `${error.name} is worded in src/core/error-wording.ts`).toBe(true);
      expect(error.message, error.name).toMatch(/^[\x20-\x7e]+$/); // a sentence, no [object Object], no Chinese
      for (const value of keeps) expect(error.message, `${error.name} keeps ${value}`).toContain(value);
    }
    expect(new errors.PromptTooLongError(600, 512).message).toBe("Your prompt is 600 tokens, but this model's context holds 512. Shorten the prompt or start a new chat.");
    expect(new errors.ModelFetchError('http://h/a', { kind: 'interrupted', loaded: 13, total: 1000, cause: 'reset' }).message).toContain('the download stopped after 13 of 1000 bytes (reset).');
  });

  it('the page words them as the engine did, word for word, after the trip through the worker', () => {
    for (const { error } of CASES) {
      const info = JSON.parse(JSON.stringify(errors.toErrorInfo(error)));
      expect(errorText(info), error.name).toBe(error.message);
    }
  });

  it('every error class is listed under its own name, which types the names the page compares', () => {
    const classes = Object.values(errors).filter((v) => typeof v === 'function' && v.prototype instanceof errors.EngineError);
    expect(Object.values(errors.NAMED_ERRORS)).toHaveLength(classes.length);
    for (const { error } of CASES) expect(errors.NAMED_ERRORS[error.name as errors.EngineErrorName], error.name).toBe(error.constructor);
  });

  it('the WebGPU fallback reasons are plain English clauses', () => {
    expect(UNAVAILABLE.map(describeWebGpuUnavailable)).toEqual([
      'this browser has no WebGPU API (navigator.gpu is missing)',
      'the browser has WebGPU but found no usable GPU adapter',
      'requesting a GPU adapter failed: blocked',
      'building the WebGPU session failed: no shader-f16',
    ]);
  });

  it('an error the page does not know keeps its own message', () => {
    expect(errorText({ name: 'TypeError', message: 'x is undefined' })).toBe('x is undefined');
  });
});

describe('engine errors in the page, Chinese', () => {
  beforeAll(async () => {
    vi.stubGlobal('window', new EventTarget()); // @lit/localize announces locale changes on window
    const { setLocale } = configureLocalization({ sourceLocale: 'en', targetLocales: ['zh-Hans'], loadLocale: () => import('../../src/i18n/generated/locales/zh-Hans') });
    await setLocale('zh-Hans');
  });

  it('every error is a Chinese sentence that keeps the values the user needs', () => {
    for (const { error, keeps } of CASES) {
      const text = errorText(errors.toErrorInfo(error));
      expect(text, error.name).toMatch(HAN);
      expect(text).not.toBe(error.message);
      for (const value of keeps) expect(text, `${error.name} keeps ${value}`).toContain(value);
    }
  });

  it('an error made in the page after the switch carries the Chinese sentence as its message', () => {
    const error = new errors.PromptTooLongError(600, 512);
    expect(error.message).toMatch(HAN);
    expect(error.message).toBe(errorText(errors.toErrorInfo(error)));
  });

  it('fallback reasons, damaged cache copies and stop notes are Chinese too', () => {
    expect(describeWebGpuUnavailable({ code: 'adapter-request-failed', detail: 'blocked' })).toBe('请求 GPU 适配器失败：blocked');
    for (const reason of UNAVAILABLE) expect(describeWebGpuUnavailable(reason)).toMatch(HAN);
    expect(corruptCopyText({ kind: 'size', actual: 3, expected: 8 })).toBe('大小为 3 字节，而不是 8 字节');
    expect(corruptCopyText({ kind: 'sha256' })).toMatch(HAN);
    expect(stopNoteText('context', 512)).toContain('512');
    expect(stopNoteText('aborted', 512)).toMatch(HAN);
    expect(stopNoteText('eos', 512)).toBeNull();
    expect(stopNoteText('eos', 512, { empty: true })).toMatch(HAN);
    expect(stopNoteText('stop-string', 512, { empty: true })).toMatch(HAN);
    expect(stopNoteText('stop-string', 512, { empty: false })).toBeNull();
    expect(stopNoteText('max-tokens', 512, { maxNewTokens: 7 })).toMatch(HAN);
    expect(stopNoteText('max-tokens', 512, { maxNewTokens: 7 })).toContain('7');
  });
});
