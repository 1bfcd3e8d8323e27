/**
 * One named error per failure a user can meet. Each message says what happened and what to do,
 * in the words of error-wording.ts (English in the workers, where no locale is loaded). The name
 * and the params survive the trip through the worker, so the page can react to the kind and say
 * it in the user's language with the same wording (src/i18n/engine-text.ts).
 */
import type { EngineErrorInfo, ErrorParams, WebGpuUnavailable } from './protocol';
import { ERROR_WORDING, type BenchLinkProblem, type FetchFailure, type LocalFolderFailure, type ProbeFailure } from './error-wording';

export { describeWebGpuUnavailable, type FetchFailure, type ProbeFailure } from './error-wording';

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
    super(ERROR_WORDING.ModelUrlError({ url }), { url });
  }
}

export class ModelFetchError extends EngineError {
  override name = 'ModelFetchError';
  constructor(url: string, failure: FetchFailure) {
    super(ERROR_WORDING.ModelFetchError({ url, ...failure }), { url, ...failure });
  }
}

export class ModelFileMissingError extends EngineError {
  override name = 'ModelFileMissingError';
  constructor(file: string, folder: string) {
    super(ERROR_WORDING.ModelFileMissingError({ file, folder }), { file, folder });
  }
}

export class ModelFormatError extends EngineError {
  override name = 'ModelFormatError';
  constructor(what: string, detail: string) {
    super(ERROR_WORDING.ModelFormatError({ what, detail }), { what, detail });
  }
}

export class WebGpuUnavailableError extends EngineError {
  override name = 'WebGpuUnavailableError';
  constructor(reason: WebGpuUnavailable) {
    super(ERROR_WORDING.WebGpuUnavailableError(reason), { code: reason.code, detail: reason.detail ?? '' });
  }
}

/** The benchmark was asked to run WebGPU on onnxruntime-web's JSPI build in a browser without JSPI. */
export class JspiUnavailableError extends EngineError {
  override name = 'JspiUnavailableError';
  constructor() {
    super(ERROR_WORDING.JspiUnavailableError());
  }
}

export class OutOfMemoryError extends EngineError {
  override name = 'OutOfMemoryError';
  constructor(backend: string, detail: string) {
    super(ERROR_WORDING.OutOfMemoryError({ backend, detail }), { backend, detail });
  }
}

export class PromptTooLongError extends EngineError {
  override name = 'PromptTooLongError';
  constructor(promptTokens: number, contextLength: number) {
    super(ERROR_WORDING.PromptTooLongError({ promptTokens, contextLength }), { promptTokens, contextLength });
  }
}

export class NoModelLoadedError extends EngineError {
  override name = 'NoModelLoadedError';
  constructor() {
    super(ERROR_WORDING.NoModelLoadedError());
  }
}

export class WorkerUnavailableError extends EngineError {
  override name = 'WorkerUnavailableError';
  constructor() {
    super(ERROR_WORDING.WorkerUnavailableError());
  }
}

export class WorkerCrashedError extends EngineError {
  override name = 'WorkerCrashedError';
  constructor(detail: string) {
    super(ERROR_WORDING.WorkerCrashedError({ detail }), { detail });
  }
}

export class BenchWorkerCrashedError extends EngineError {
  override name = 'BenchWorkerCrashedError';
  constructor(detail: string) {
    super(ERROR_WORDING.BenchWorkerCrashedError({ detail }), { detail });
  }
}

export class ChatTemplateError extends EngineError {
  override name = 'ChatTemplateError';
  constructor(detail: string) {
    super(ERROR_WORDING.ChatTemplateError({ detail }), { detail });
  }
}

export class StorageQuotaError extends EngineError {
  override name = 'StorageQuotaError';
  constructor(bytes: number) {
    super(ERROR_WORDING.StorageQuotaError({ bytes }), { bytes });
  }
}

export class OfflineSaveError extends EngineError {
  override name = 'OfflineSaveError';
  constructor(file: string, cause: string) {
    super(ERROR_WORDING.OfflineSaveError({ file, cause }), { file, cause });
  }
}

export class ModelProbeError extends EngineError {
  override name = 'ModelProbeError';
  constructor(failure: ProbeFailure) {
    super(ERROR_WORDING.ModelProbeError(failure), failure);
  }
}

export class LocalFolderError extends EngineError {
  override name = 'LocalFolderError';
  constructor(failure: LocalFolderFailure) {
    super(ERROR_WORDING.LocalFolderError(failure), failure);
  }
}

export class DownloadCancelledError extends EngineError {
  override name = 'DownloadCancelledError';
  constructor() {
    super(ERROR_WORDING.DownloadCancelledError());
  }
}

export class GpuDeviceLostError extends EngineError {
  override name = 'GpuDeviceLostError';
  constructor(detail: string) {
    super(ERROR_WORDING.GpuDeviceLostError({ detail }), { detail });
  }
}

/** A shared benchmark result (link or file) that cannot be shown: cut off, altered, from a newer app, or not a result. */
export class BenchLinkError extends EngineError {
  override name = 'BenchLinkError';
  constructor(problem: BenchLinkProblem) {
    super(ERROR_WORDING.BenchLinkError(problem), { ...problem });
  }
}

const OOM_PATTERN = /out of memory|\boom\b|failed to allocate|allocation failed|memory access out of bounds|Aborted\(\)/i;
// What WebGPU calls throw once the device is gone: a read-back (mapAsync) aborted, a destroyed
// device or buffer. On a lost device these come before (or instead of) the `lost` promise settling.
const DEVICE_LOST_PATTERN = /mapAsync|device (is |was |has been )?(lost|destroyed)|\[Device\]|GPUDevice|destroyed before mapping|buffer (is |was )?destroyed/i;

/** Wraps a runtime failure in the error class a user can act on. */
export function classifyRuntimeError(backend: string, error: unknown, what: string): EngineError {
  const detail = error instanceof Error ? error.message : String(error);
  if (OOM_PATTERN.test(detail)) return new OutOfMemoryError(backend, detail);
  if (backend === 'webgpu' && DEVICE_LOST_PATTERN.test(detail)) return new GpuDeviceLostError(detail);
  return new ModelFormatError(what, detail);
}

/** What crosses the worker boundary: the class name, the text (English from a worker) and the params to word it anew. */
export function toErrorInfo(error: unknown): EngineErrorInfo {
  if (error instanceof EngineError) return { name: error.name, message: error.message, params: error.params };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * Every named error, keyed by its name (test/unit/engine-text.test.ts checks each key against the class's
 * `name`, and that no class is missing), so the page's checks of an error's name are typed.
 */
export const NAMED_ERRORS = {
  ModelUrlError,
  ModelFetchError,
  ModelFileMissingError,
  ModelFormatError,
  WebGpuUnavailableError,
  JspiUnavailableError,
  OutOfMemoryError,
  PromptTooLongError,
  NoModelLoadedError,
  WorkerUnavailableError,
  WorkerCrashedError,
  BenchWorkerCrashedError,
  ChatTemplateError,
  StorageQuotaError,
  OfflineSaveError,
  ModelProbeError,
  LocalFolderError,
  DownloadCancelledError,
  GpuDeviceLostError,
  BenchLinkError,
} as const;

export type EngineErrorName = keyof typeof NAMED_ERRORS;

/** Whether an error's name (from either side of a worker) is one of `names`; a misspelt name fails the type check. */
export function isErrorNamed(name: string, ...names: EngineErrorName[]): boolean {
  return (names as readonly string[]).includes(name);
}
