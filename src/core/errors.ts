/**
 * One named error per failure a user can meet. Each message says what happened and what to do.
 * The name and the params survive the trip through the worker, so the page can react to the kind
 * and say it in the user's language (src/i18n/engine-text.ts); `message` is the English text.
 */
import type { EngineErrorInfo, ErrorParams, WebGpuUnavailable } from './protocol';

export class EngineError extends Error {
  // Named by hand: minified class names would reach the UI as "tf" or "of".
  override name = 'EngineError';
  constructor(message: string, readonly params: ErrorParams = {}) {
    super(message);
  }
}

export class ModelUrlError extends EngineError {
  override name = 'ModelUrlError';
  constructor(url: string) {
    super(`"${url}" is not a valid model address. Enter an http(s) URL of a model folder, or a path such as models/tl-gpt/.`, { url });
  }
}

/** Why a download failed; the page words each kind in the user's language. */
export type FetchFailure =
  | { kind: 'unreachable'; cause: string }
  | { kind: 'http-status'; status: number; statusText: string }
  | { kind: 'hash-mismatch' }
  | { kind: 'interrupted'; loaded: number; total: number | null; cause: string };

function describeFetchFailure(failure: FetchFailure): string {
  switch (failure.kind) {
    case 'unreachable':
      return `the server could not be reached (${failure.cause})`;
    case 'http-status':
      return `the server answered ${failure.status} ${failure.statusText}`;
    case 'hash-mismatch':
      return 'the downloaded bytes do not match the SHA-256 the server gave (damaged in transit)';
    case 'interrupted':
      return `the download stopped after ${failure.loaded}${failure.total === null ? '' : ` of ${failure.total}`} bytes${failure.cause ? ` (${failure.cause})` : ''}`;
  }
}

export class ModelFetchError extends EngineError {
  override name = 'ModelFetchError';
  constructor(url: string, failure: FetchFailure) {
    super(`Could not download ${url}: ${describeFetchFailure(failure)}. Check the address and your connection; if the model is on another site, it must allow cross-origin requests (CORS).`, { url, ...failure });
  }
}

export class ModelFileMissingError extends EngineError {
  override name = 'ModelFileMissingError';
  constructor(file: string, folder: string) {
    super(`The model folder ${folder} has no ${file}. A model needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (the transformers.js ONNX layout).`, { file, folder });
  }
}

export class ModelFormatError extends EngineError {
  override name = 'ModelFormatError';
  constructor(what: string, detail: string) {
    super(`${what} is not usable: ${detail}. The file may be corrupt or truncated; download or export it again.`, { what, detail });
  }
}

/** The reason in English, for error messages and logs. */
export function describeWebGpuUnavailable({ code, detail }: WebGpuUnavailable): string {
  switch (code) {
    case 'no-webgpu-api':
      return 'this browser has no WebGPU API (navigator.gpu is missing)';
    case 'no-adapter':
      return 'the browser has WebGPU but found no usable GPU adapter';
    case 'adapter-request-failed':
      return `requesting a GPU adapter failed: ${detail}`;
    case 'session-build-failed':
      return `building the WebGPU session failed: ${detail}`;
    case 'no-shader-f16':
      return 'the model computes in fp16 and this GPU has no shader-f16 support (its replies would be garbage); choose an fp32 or q4 dtype for WebGPU';
  }
}

export class WebGpuUnavailableError extends EngineError {
  override name = 'WebGpuUnavailableError';
  constructor(reason: WebGpuUnavailable) {
    super(`WebGPU was requested but cannot run here: ${describeWebGpuUnavailable(reason)}. Choose the WASM backend, or use a browser with WebGPU enabled (Chrome or Edge 113+, Safari 26+).`, { code: reason.code, detail: reason.detail ?? '' });
  }
}

export class OutOfMemoryError extends EngineError {
  override name = 'OutOfMemoryError';
  constructor(backend: string, detail: string) {
    super(`The ${backend} backend ran out of memory (${detail}). Close other tabs, choose a smaller model, or switch backend.`, { backend, detail });
  }
}

export class PromptTooLongError extends EngineError {
  override name = 'PromptTooLongError';
  constructor(promptTokens: number, contextLength: number) {
    super(`Your prompt is ${promptTokens} tokens, but this model's context holds ${contextLength}. Shorten the prompt or start a new chat.`, { promptTokens, contextLength });
  }
}

export class NoModelLoadedError extends EngineError {
  override name = 'NoModelLoadedError';
  constructor() {
    super('No model is loaded yet. Load a model first.');
  }
}

export class WorkerUnavailableError extends EngineError {
  override name = 'WorkerUnavailableError';
  constructor() {
    super('This browser cannot run Web Workers, which the engine needs to keep the page responsive. Use a current Chrome, Edge, Firefox or Safari.');
  }
}

export class WorkerCrashedError extends EngineError {
  override name = 'WorkerCrashedError';
  constructor(detail: string) {
    super(`The engine stopped unexpectedly (${detail}). It has been restarted: load the model again to continue.`, { detail });
  }
}

export class StorageQuotaError extends EngineError {
  override name = 'StorageQuotaError';
  constructor(bytes: number) {
    super(`The browser's storage is full, so the model (${(bytes / 1024 ** 2).toFixed(1)} MB file) could not be saved for offline use. It runs now but will be downloaded again next time. Delete cached models in the Models tab or free disk space.`, { bytes });
  }
}

export class OfflineSaveError extends EngineError {
  override name = 'OfflineSaveError';
  constructor(file: string, cause: string) {
    super(`Saving ${file} for offline use failed (${cause}). The model runs now but will be downloaded again next time.`, { file, cause });
  }
}

/** Why a model could not be described before download (shared links, the catalog). */
export type ProbeFailure =
  | { kind: 'no-model'; folderUrl: string }
  | { kind: 'http-status'; url: string; status: number; statusText: string }
  | { kind: 'offline-uncached'; host: string; cause: string }
  | { kind: 'no-weights'; folderUrl: string };

function describeProbeFailure(failure: ProbeFailure): string {
  switch (failure.kind) {
    case 'no-model':
      return `There is no model at ${failure.folderUrl} (config.json not found). Check the id or address.`;
    case 'http-status':
      return `${failure.url} answered ${failure.status} ${failure.statusText}.`;
    case 'offline-uncached':
      return `Could not reach ${failure.host} (${failure.cause}), and the model is not in the browser's cache.`;
    case 'no-weights':
      return `${failure.folderUrl} has no ONNX weights in the transformers.js layout (onnx/model.onnx, model_fp16, model_quantized, model_int8, model_uint8, model_q4, model_bnb4 or model_q4f16).`;
  }
}

export class ModelProbeError extends EngineError {
  override name = 'ModelProbeError';
  constructor(failure: ProbeFailure) {
    super(describeProbeFailure(failure), failure);
  }
}

export class LocalFolderError extends EngineError {
  override name = 'LocalFolderError';
  constructor(failure: { kind: 'no-cache-storage' } | { kind: 'not-a-model-folder'; name: string; missing: string }) {
    super(
      failure.kind === 'no-cache-storage'
        ? 'This browser offers no Cache Storage here, which opening a local folder needs.'
        : `The folder "${failure.name}" is not a model folder: it has no ${failure.missing}. Pick the folder that holds config.json, tokenizer.json and onnx/ (the transformers.js layout).`,
      failure,
    );
  }
}

export class DownloadCancelledError extends EngineError {
  override name = 'DownloadCancelledError';
  constructor() {
    super('Download cancelled. The files completed so far are kept in the browser; load the model again to continue.');
  }
}

export class GpuDeviceLostError extends EngineError {
  override name = 'GpuDeviceLostError';
  constructor(detail: string) {
    super(`The GPU device was lost (${detail}). The engine is restarting the model; your conversation and your message are kept, send it again once the model is back.`, { detail });
  }
}

const OOM_PATTERN = /out of memory|\boom\b|failed to allocate|allocation failed|memory access out of bounds|Aborted\(\)/i;

/** Wraps a runtime failure in the error class a user can act on. */
export function classifyRuntimeError(backend: string, error: unknown, what: string): EngineError {
  const detail = error instanceof Error ? error.message : String(error);
  if (OOM_PATTERN.test(detail)) return new OutOfMemoryError(backend, detail);
  return new ModelFormatError(what, detail);
}

/** What crosses the worker boundary: the class name, the English text and the params to word it anew. */
export function toErrorInfo(error: unknown): EngineErrorInfo {
  if (error instanceof EngineError) return { name: error.name, message: error.message, params: error.params };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
