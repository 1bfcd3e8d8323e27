/**
 * What the engine reports, worded in the user's language. The engine (no DOM, no i18n) sends codes
 * and numbers beside its English text; this is the one place that turns them into sentences.
 * A name or code this file does not know falls back to the engine's English message.
 */
import { msg, str } from '@lit/localize';
import type { CorruptCopy, EngineErrorInfo, ErrorParams, StopReason, WebGpuUnavailable } from '../core/protocol';
import { toErrorInfo } from '../core/errors';

/** Why WebGPU is not used, as a clause ("because …"). */
export function webGpuUnavailableText(reason: WebGpuUnavailable): string {
  switch (reason.code) {
    case 'no-webgpu-api':
      return msg('this browser has no WebGPU API (navigator.gpu is missing)');
    case 'no-adapter':
      return msg('the browser has WebGPU but found no usable GPU adapter');
    case 'adapter-request-failed':
      return msg(str`requesting a GPU adapter failed: ${reason.detail ?? ''}`);
    case 'session-build-failed':
      return msg(str`building the WebGPU session failed: ${reason.detail ?? ''}`);
    case 'no-shader-f16':
      return msg('the model computes in fp16 and this GPU has no shader-f16 support (its replies would be garbage); choose an fp32 or q4 dtype for WebGPU');
  }
}

export function corruptCopyText(reason: CorruptCopy): string {
  switch (reason.kind) {
    case 'unreadable':
      return msg(str`it could not be read (${reason.cause})`);
    case 'size':
      return msg(str`it has ${reason.actual} bytes instead of ${reason.expected}`);
    case 'sha256':
      return msg('its SHA-256 does not match the one the server gave');
  }
}

/** The note under a reply that stopped for a reason the user should know; null for the ordinary ones. */
export function stopNoteText(reason: StopReason | undefined, contextLength: number | undefined): string | null {
  if (reason === 'aborted') return msg('Stopped by you.');
  if (reason === 'context') return msg(str`Stopped at the model's context limit of ${contextLength ?? '?'} tokens. Start a new chat to continue.`);
  return null;
}

function fetchFailureText(p: ErrorParams): string | null {
  switch (p.kind) {
    case 'unreachable':
      return msg(str`the server could not be reached (${p.cause})`);
    case 'http-status':
      return msg(str`the server answered ${p.status} ${p.statusText}`);
    case 'hash-mismatch':
      return msg('the downloaded bytes do not match the SHA-256 the server gave (damaged in transit)');
    case 'interrupted': {
      const stopped = p.total === null || p.total === undefined
        ? msg(str`the download stopped after ${p.loaded} bytes`)
        : msg(str`the download stopped after ${p.loaded} of ${p.total} bytes`);
      return p.cause ? msg(str`${stopped} (${p.cause})`) : stopped;
    }
    default:
      return null;
  }
}

function probeFailureText(p: ErrorParams): string | null {
  switch (p.kind) {
    case 'no-model':
      return msg(str`There is no model at ${p.folderUrl} (config.json not found). Check the id or address.`);
    case 'http-status':
      return msg(str`${p.url} answered ${p.status} ${p.statusText}.`);
    case 'offline-uncached':
      return msg(str`Could not reach ${p.host} (${p.cause}), and the model is not in the browser's cache.`);
    case 'no-weights':
      return msg(str`${p.folderUrl} has no ONNX weights in the transformers.js layout (onnx/model.onnx, model_fp16, model_quantized, model_int8, model_uint8, model_q4, model_bnb4 or model_q4f16).`);
    default:
      return null;
  }
}

const megabytes = (bytes: unknown) => (Number(bytes) / 1024 ** 2).toFixed(1);

/** An engine error in the user's language: the sentence from its name and params, else its English message. */
export function errorText(error: Pick<EngineErrorInfo, 'name' | 'message' | 'params'>): string {
  const p = error.params;
  if (!p) return error.message;
  switch (error.name) {
    case 'ModelUrlError':
      return msg(str`"${p.url}" is not a valid model address. Enter an http(s) URL of a model folder, or a path such as models/tl-gpt/.`);
    case 'ModelFetchError': {
      const why = fetchFailureText(p);
      return why === null ? error.message : msg(str`Could not download ${p.url}: ${why}. Check the address and your connection; if the model is on another site, it must allow cross-origin requests (CORS).`);
    }
    case 'ModelFileMissingError':
      return msg(str`The model folder ${p.folder} has no ${p.file}. A model needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (the transformers.js ONNX layout).`);
    case 'ModelFormatError':
      // The detail is the runtime's or the file check's own text, kept as it is.
      return msg(str`${p.what} is not usable: ${p.detail}. The file may be corrupt or truncated; download or export it again.`);
    case 'WebGpuUnavailableError': {
      const reason = webGpuUnavailableText({ code: p.code as WebGpuUnavailable['code'], detail: p.detail === '' ? null : String(p.detail) });
      return msg(str`WebGPU was requested but cannot run here: ${reason}. Choose the WASM backend, or use a browser with WebGPU enabled (Chrome or Edge 113+, Safari 26+).`);
    }
    case 'OutOfMemoryError':
      return msg(str`The ${p.backend} backend ran out of memory (${p.detail}). Close other tabs, choose a smaller model, or switch backend.`);
    case 'PromptTooLongError':
      return msg(str`Your prompt is ${p.promptTokens} tokens, but this model's context holds ${p.contextLength}. Shorten the prompt or start a new chat.`);
    case 'NoModelLoadedError':
      return msg('No model is loaded yet. Load a model first.');
    case 'WorkerUnavailableError':
      return msg('This browser cannot run Web Workers, which the engine needs to keep the page responsive. Use a current Chrome, Edge, Firefox or Safari.');
    case 'WorkerCrashedError':
      return msg(str`The engine stopped unexpectedly (${p.detail}). It has been restarted: load the model again to continue.`);
    case 'StorageQuotaError':
      return msg(str`The browser's storage is full, so the model (${megabytes(p.bytes)} MB file) could not be saved for offline use. It runs now but will be downloaded again next time. Delete cached models in the Models tab or free disk space.`);
    case 'OfflineSaveError':
      return msg(str`Saving ${p.file} for offline use failed (${p.cause}). The model runs now but will be downloaded again next time.`);
    case 'ModelProbeError':
      return probeFailureText(p) ?? error.message;
    case 'LocalFolderError':
      return p.kind === 'no-cache-storage'
        ? msg('This browser offers no Cache Storage here, which opening a local folder needs.')
        : msg(str`The folder "${p.name}" is not a model folder: it has no ${p.missing}. Pick the folder that holds config.json, tokenizer.json and onnx/ (the transformers.js layout).`);
    case 'DownloadCancelledError':
      return msg('Download cancelled. The files completed so far are kept in the browser; load the model again to continue.');
    case 'GpuDeviceLostError':
      return msg(str`The GPU device was lost (${p.detail}). The engine is restarting the model; your conversation and your message are kept, send it again once the model is back.`);
    default:
      return error.message;
  }
}

/** Whatever was thrown, in the user's language. */
export function describeError(error: unknown): string {
  return errorText(toErrorInfo(error));
}
