/**
 * One named error per failure a user can meet. Each message says what happened and what to do;
 * the name survives the trip through the worker so the UI can react to the kind.
 */

export class EngineError extends Error {
  // Named by hand: minified class names would reach the UI as "tf" or "of".
  override name = 'EngineError';
}

export class ModelUrlError extends EngineError {
  override name = 'ModelUrlError';
  constructor(url: string) {
    super(`"${url}" is not a valid model address. Enter an http(s) URL of a model folder, or a path such as models/tl-gpt/.`);
  }
}

export class ModelFetchError extends EngineError {
  override name = 'ModelFetchError';
  constructor(url: string, detail: string) {
    super(`Could not download ${url}: ${detail}. Check the address and your connection; if the model is on another site, it must allow cross-origin requests (CORS).`);
  }
}

export class ModelFileMissingError extends EngineError {
  override name = 'ModelFileMissingError';
  constructor(file: string, folder: string) {
    super(`The model folder ${folder} has no ${file}. A model needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (the transformers.js ONNX layout).`);
  }
}

export class ModelFormatError extends EngineError {
  override name = 'ModelFormatError';
  constructor(what: string, detail: string) {
    super(`${what} is not usable: ${detail}. The file may be corrupt or truncated; download or export it again.`);
  }
}

export class WebGpuUnavailableError extends EngineError {
  override name = 'WebGpuUnavailableError';
  constructor(reason: string) {
    super(`WebGPU was requested but cannot run here: ${reason}. Choose the WASM backend, or use a browser with WebGPU enabled (Chrome or Edge 113+, Safari 26+).`);
  }
}

export class OutOfMemoryError extends EngineError {
  override name = 'OutOfMemoryError';
  constructor(backend: string, detail: string) {
    super(`The ${backend} backend ran out of memory (${detail}). Close other tabs, choose a smaller model, or switch backend.`);
  }
}

export class PromptTooLongError extends EngineError {
  override name = 'PromptTooLongError';
  constructor(promptTokens: number, contextLength: number) {
    super(`Your prompt is ${promptTokens} tokens, but this model's context holds ${contextLength}. Shorten the prompt or start a new chat.`);
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
    super(`The engine stopped unexpectedly (${detail}). It has been restarted: load the model again to continue.`);
  }
}

export class StorageQuotaError extends EngineError {
  override name = 'StorageQuotaError';
  constructor(bytes: number) {
    super(`The browser's storage is full, so the model (${(bytes / 1024 ** 2).toFixed(1)} MB file) could not be saved for offline use. It runs now but will be downloaded again next time. Delete cached models in the Models tab or free disk space.`);
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
    super(`The GPU device was lost (${detail}). The engine is restarting the model; your conversation and your message are kept, send it again once the model is back.`);
  }
}

const OOM_PATTERN = /out of memory|\boom\b|failed to allocate|allocation failed|memory access out of bounds|Aborted\(\)/i;

/** Wraps a runtime failure in the error class a user can act on. */
export function classifyRuntimeError(backend: string, error: unknown, what: string): EngineError {
  const detail = error instanceof Error ? error.message : String(error);
  if (OOM_PATTERN.test(detail)) return new OutOfMemoryError(backend, detail);
  return new ModelFormatError(what, detail);
}
