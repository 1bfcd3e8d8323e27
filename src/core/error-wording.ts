/**
 * The sentences of every engine error, written once, by error name, from the error's params.
 *
 * Each goes through msg() from @lit/localize (a DOM-free, dependency-free module) so that
 * `lit-localize extract` finds it for translation. msg() returns its English source wherever no
 * locale has been configured, which is the case in the workers and in Node: there `errors.ts`
 * gets plain English for `message`. In the page, src/i18n/engine-text.ts calls the same function
 * with the name and params that crossed the worker, and gets the user's language.
 */
import { msg, str } from '@lit/localize';
import type { ErrorParams, WebGpuUnavailable } from './protocol';

/** Why a download failed. */
export type FetchFailure =
  /** `origin: 'other'`: the request went to another site and got no answer at all, which is what a CORS refusal looks like. */
  | { kind: 'unreachable'; cause: string; origin?: 'same' | 'other' }
  /** The browser says it is offline (navigator.onLine) and the request failed. */
  | { kind: 'offline' }
  | { kind: 'http-status'; status: number; statusText: string }
  | { kind: 'hash-mismatch' }
  | { kind: 'interrupted'; loaded: number; total: number | null; cause: string }
  /** The server answered, but with a web page (a login wall, a single-page app's index.html). */
  | { kind: 'html-page'; file: string };

/** Why a shared benchmark result cannot be shown. */
export type BenchLinkProblem =
  | { kind: 'truncated' }
  | { kind: 'tampered' }
  | { kind: 'future'; version: number; readable: number }
  | { kind: 'invalid'; detail: string };

/** Why a model could not be described before download (shared links, the catalog). */
export type ProbeFailure =
  | { kind: 'no-model'; folderUrl: string }
  | { kind: 'http-status'; url: string; status: number; statusText: string }
  | { kind: 'offline-uncached'; host: string; cause: string }
  | { kind: 'browser-offline'; host: string }
  | { kind: 'no-weights'; folderUrl: string }
  | { kind: 'html-page'; url: string; file: string };

export type LocalFolderFailure = { kind: 'no-cache-storage' } | { kind: 'not-a-model-folder'; name: string; missing: string };

/** Why WebGPU is not used, as a clause ("because …"). */
export function describeWebGpuUnavailable({ code, detail }: WebGpuUnavailable): string {
  switch (code) {
    case 'no-webgpu-api':
      return msg('this browser has no WebGPU API (navigator.gpu is missing)');
    case 'no-adapter':
      return msg('the browser has WebGPU but found no usable GPU adapter');
    case 'adapter-request-failed':
      return msg(str`requesting a GPU adapter failed: ${detail ?? ''}`);
    case 'session-build-failed':
      return msg(str`building the WebGPU session failed: ${detail ?? ''}`);
    case 'wrong-8bit-kernels':
      return msg('this runtime computes 8-bit (MatMulInteger) models wrongly on WebGPU; choose the q4 or fp32 dtype to use the GPU');
    case 'no-shader-f16':
      return msg('the model computes in fp16 and this GPU has no shader-f16 support (its replies would be garbage); choose an fp32 or q4 dtype for WebGPU');
    case 'software-adapter':
      return msg(str`the only WebGPU adapter is a software one (${detail ?? ''}), which emulates a GPU on the CPU and runs far slower than WASM; choose WebGPU to use it anyway`);
  }
}

function describeFetchFailure(failure: FetchFailure): string {
  switch (failure.kind) {
    case 'unreachable':
      return msg(str`the server could not be reached (${failure.cause})`);
    case 'offline':
      return msg('the browser is offline');
    case 'http-status':
      return msg(str`the server answered ${failure.status} ${failure.statusText}`);
    case 'hash-mismatch':
      return msg('the downloaded bytes do not match the SHA-256 the server gave (damaged in transit)');
    case 'interrupted': {
      const stopped = failure.total === null
        ? msg(str`the download stopped after ${failure.loaded} bytes`)
        : msg(str`the download stopped after ${failure.loaded} of ${failure.total} bytes`);
      return failure.cause ? msg(str`${stopped} (${failure.cause})`) : stopped;
    }
    case 'html-page':
      return msg(str`the server answered with an HTML page, not ${failure.file}`);
  }
}

/** What to do about a failed download; the CORS hint only where the failure looks like CORS. */
function fetchFailureRemedy(failure: FetchFailure): string {
  switch (failure.kind) {
    case 'offline':
      return msg('Connect to the network and press Load again; models already downloaded load without one.');
    case 'unreachable':
      return failure.origin === 'other'
        ? msg('Check the address and your connection; if the model is on another site, it must allow cross-origin requests (CORS).')
        : msg('Check the address and your connection.');
    case 'http-status':
      return msg('Check the address.');
    case 'hash-mismatch':
      return msg('Load the model again to download the file anew.');
    case 'interrupted':
      return msg('Load the model again to continue the download.');
    case 'html-page':
      return msg('Check that the address points at the model folder itself (on the Hub: .../resolve/main/).');
  }
}

function describeProbeFailure(failure: ProbeFailure): string {
  switch (failure.kind) {
    case 'no-model':
      return msg(str`There is no model at ${failure.folderUrl} (config.json not found). Check the id or address.`);
    case 'http-status':
      return msg(str`${failure.url} answered ${failure.status} ${failure.statusText}.`);
    case 'offline-uncached':
      return msg(str`Could not reach ${failure.host} (${failure.cause}), and the model is not in the browser's cache.`);
    case 'browser-offline':
      return msg(str`The browser is offline, and this model is not in its cache. Connect to the network to download it from ${failure.host}.`);
    case 'no-weights':
      return msg(str`${failure.folderUrl} has no ONNX weights in the transformers.js layout (onnx/model.onnx, model_fp16, model_quantized, model_int8, model_uint8, model_q4, model_bnb4 or model_q4f16).`);
    case 'html-page':
      return msg(str`${failure.url}: the server answered with an HTML page, not ${failure.file}. Check that the address points at the model folder itself.`);
  }
}

const megabytes = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

/** Each error class's sentence, keyed by its name (the `name` that crosses the worker). */
export const ERROR_WORDING = {
  ModelUrlError: (p: { url: string }) =>
    msg(str`"${p.url}" is not a valid model address. Enter an http(s) URL of a model folder, or a path such as models/tl-gpt/.`),
  ModelFetchError: (p: { url: string } & FetchFailure) =>
    msg(str`Could not download ${p.url}: ${describeFetchFailure(p)}. ${fetchFailureRemedy(p)}`),
  ModelFileMissingError: (p: { file: string; folder: string }) =>
    msg(str`The model folder ${p.folder} has no ${p.file}. A model needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (the transformers.js ONNX layout).`),
  // The detail is the runtime's or the file check's own text, kept as it is.
  ModelFormatError: (p: { what: string; detail: string }) =>
    msg(str`${p.what} is not usable: ${p.detail}. The file may be corrupt or truncated; download or export it again.`),
  WebGpuUnavailableError: (p: WebGpuUnavailable) =>
    msg(str`WebGPU was requested but cannot run here: ${describeWebGpuUnavailable(p)}. Choose the WASM backend, or use a browser with WebGPU enabled (Chrome or Edge 113+, Safari 26+).`),
  OutOfMemoryError: (p: { backend: string; detail: string }) =>
    msg(str`The ${p.backend} backend ran out of memory (${p.detail}). Close other tabs, choose a smaller model, or switch backend.`),
  PromptTooLongError: (p: { promptTokens: number; contextLength: number }) =>
    msg(str`Your prompt is ${p.promptTokens} tokens, but this model's context holds ${p.contextLength}. Shorten the prompt or start a new chat.`),
  JspiUnavailableError: () =>
    msg('This browser has no JSPI (WebAssembly.Suspending), which the JSPI build of onnxruntime-web needs. Remove bench_webgpu_build=jspi from the address to measure the asyncify build.'),
  NoModelLoadedError: () => msg('No model is loaded yet. Load a model first.'),
  WorkerUnavailableError: () =>
    msg('This browser cannot run Web Workers, which the engine needs to keep the page responsive. Use a current Chrome, Edge, Firefox or Safari.'),
  WorkerCrashedError: (p: { detail: string }) =>
    // The app reloads a running model by itself after a crash, so the user is not told to.
    msg(str`The engine stopped unexpectedly (${p.detail}) and was restarted. A model that was running comes back by itself; your conversation and your message are kept.`),
  ChatTemplateError: (p: { detail: string }) =>
    msg(str`The model's chat template refused this conversation: "${p.detail}". Change the conversation as it asks (for example, roles that alternate user/assistant, or no system prompt), or start a new chat.`),
  BenchWorkerCrashedError: (p: { detail: string }) =>
    msg(str`The benchmark stopped unexpectedly (${p.detail}); the browser may have run out of memory. Run it again, or choose a smaller model.`),
  StorageQuotaError: (p: { bytes: number }) =>
    msg(str`The browser's storage is full, so the model (${megabytes(p.bytes)} MB file) could not be saved for offline use. It runs now but will be downloaded again next time. Delete cached models in the Models tab or free disk space.`),
  OfflineSaveError: (p: { file: string; cause: string }) =>
    msg(str`Saving ${p.file} for offline use failed (${p.cause}). The model runs now but will be downloaded again next time.`),
  ModelProbeError: describeProbeFailure,
  LocalFolderError: (p: LocalFolderFailure) =>
    p.kind === 'no-cache-storage'
      ? msg('This browser offers no Cache Storage here, which opening a local folder needs.')
      : msg(str`The folder "${p.name}" is not a model folder: it has no ${p.missing}. Pick the folder that holds config.json, tokenizer.json and onnx/ (the transformers.js layout).`),
  DownloadCancelledError: () =>
    msg('Download cancelled. The files completed so far are kept in the browser; load the model again to continue.'),
  BenchLinkError: (p: BenchLinkProblem) => {
    switch (p.kind) {
      case 'truncated': return msg('This result link is incomplete: it was cut off when it was copied. Ask for the whole link (it ends with a checksum after the last dot) or for the JSON file.');
      case 'tampered': return msg("This result link was changed after it was made: its checksum does not match its contents. Ask its author for the link again or for the JSON file.");
      case 'future': return msg(str`This result was made by a newer version of Transformer Lab (results version ${p.version}; this page reads up to ${p.readable}). Open it in the newest version of the app.`);
      case 'invalid': return msg(str`This does not hold a benchmark result (${p.detail}). Ask its author for the link again or for the JSON file.`);
    }
  },
  GpuDeviceLostError: (p: { detail: string }) =>
    msg(str`The GPU device was lost (${p.detail}). The engine is restarting the model; your conversation and your message are kept, send it again once the model is back.`),
};

export type ErrorName = keyof typeof ERROR_WORDING;

/**
 * The sentence of an error known only by its name and params (as they crossed the worker), or
 * null for a name without a wording here.
 */
export function wordError(name: string, params: ErrorParams): string | null {
  if (!Object.hasOwn(ERROR_WORDING, name)) return null;
  // The params were made by the class of that name, so they have the shape its wording reads.
  return (ERROR_WORDING[name as ErrorName] as (p: ErrorParams) => string)(params);
}
