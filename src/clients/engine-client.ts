/**
 * The page's side of the engine: starts the worker, sends typed requests and turns the replies into
 * promises and callbacks. A crashed worker is replaced, and every pending call gets a clear error.
 */
import type { ChatMessage, EngineErrorInfo, EngineEvent, EngineRequest, GenerationResult, GenerationSettings, LoadProgress, LoadRequest, ModelInfo, TokenPayload } from '../core/protocol';
import { EngineError, WorkerCrashedError, WorkerUnavailableError } from '../core/errors';

/** An error from the worker, with the name of the class that raised it there. */
export class RemoteEngineError extends EngineError {
  constructor(info: EngineErrorInfo) {
    super(info.message, info.params);
    this.name = info.name;
  }
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  onEvent: (event: EngineEvent) => void;
}

export interface GenerationHandle {
  id: number;
  done: Promise<GenerationResult>;
}

// Read once at start-up: the app rewrites its URL after the first load.
const DEBUG = typeof location !== 'undefined' && new URLSearchParams(location.search).get('debug') === '1';

export class EngineClient {
  private worker: Worker | null = null;
  /** The load in flight, so it can be cancelled. */
  private loadId: number | null = null;
  /** Called when the worker died by itself (not on `restart` or `dispose`), so the app can reload the model. */
  onCrash: ((detail: string) => void) | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly createWorker: () => Worker = () => new Worker(new URL('../workers/engine-worker.ts', import.meta.url), { type: 'module' })) {
    if (typeof Worker === 'undefined') throw new WorkerUnavailableError();
  }

  load(request: Omit<LoadRequest, 'baseUrl'>, onProgress: (p: LoadProgress) => void): Promise<ModelInfo> {
    const { id, done } = this.request('load', { ...request, baseUrl: globalThis.location?.href ?? '' }, (event) => {
      if (event.kind === 'progress') onProgress(event.payload);
    });
    this.loadId = id;
    const clear = () => {
      if (this.loadId === id) this.loadId = null;
    };
    done.then(clear, clear);
    return done as Promise<ModelInfo>;
  }

  /** Stops the download of the load in flight; it rejects with DownloadCancelledError. */
  cancelLoad(): void {
    if (this.loadId !== null) this.abort(this.loadId);
  }

  /** Replaces the worker (after a GPU device loss or a crash); pending calls fail, the next call starts a new one. */
  restart(detail = 'the engine was restarted'): void {
    this.crashed(detail);
  }

  /** Test hook for ?debug=1 pages: makes the worker die of an uncaught error. */
  debugCrash(): boolean {
    if (!DEBUG || !this.worker) return false;
    this.worker.postMessage({ kind: 'debug-crash', id: this.nextId++, payload: {} } satisfies EngineRequest);
    return true;
  }

  /** Test hook for ?debug=1 pages: makes the worker destroy its GPU device. */
  debugLoseDevice(): boolean {
    if (!DEBUG || !this.worker) return false;
    this.worker.postMessage({ kind: 'debug-lose-device', id: this.nextId++, payload: {} } satisfies EngineRequest);
    return true;
  }

  /**
   * Test hook for ?debug=1 pages: the next decoder step fails with `message`, by default the text
   * onnxruntime gives when a GPU buffer cannot be allocated (a GPU out-of-memory).
   */
  debugFailNextStep(message = 'Failed to allocate a buffer of size 268435456 bytes'): boolean {
    if (!DEBUG || !this.worker) return false;
    this.worker.postMessage({ kind: 'debug-fail-next-step', id: this.nextId++, payload: { message } } satisfies EngineRequest);
    return true;
  }

  generate(messages: ChatMessage[], settings: GenerationSettings, onToken: (t: TokenPayload) => void): GenerationHandle {
    const { id, done } = this.request('generate', { messages, settings }, (event) => {
      if (event.kind === 'token') onToken(event.payload);
    });
    return { id, done: done as Promise<GenerationResult> };
  }

  abort(target: number): void {
    this.worker?.postMessage({ kind: 'abort', id: this.nextId++, payload: { target } } satisfies EngineRequest);
  }

  private request<K extends EngineRequest['kind']>(
    kind: K,
    payload: Extract<EngineRequest, { kind: K }>['payload'],
    onEvent: (event: EngineEvent) => void,
  ): { id: number; done: Promise<unknown> } {
    const id = this.nextId++;
    const done = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, onEvent }));
    this.ensureWorker().postMessage({ kind, id, payload } as EngineRequest);
    return { id, done };
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (message: MessageEvent<EngineEvent>) => this.receive(message.data);
    worker.onerror = (event) => {
      this.crashed(event.message || 'worker error');
      this.onCrash?.(event.message || 'worker error');
    };
    worker.onmessageerror = () => this.crashed('a message could not be read');
    this.worker = worker;
    return worker;
  }

  private receive(event: EngineEvent): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    switch (event.kind) {
      case 'loaded':
      case 'done':
        this.pending.delete(event.id);
        pending.resolve(event.payload as never);
        break;
      case 'error':
        this.pending.delete(event.id);
        pending.reject(new RemoteEngineError(event.payload));
        break;
      default:
        pending.onEvent(event);
    }
  }

  private crashed(detail: string): void {
    this.worker?.terminate();
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(new WorkerCrashedError(detail));
    this.pending.clear();
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(new WorkerCrashedError('the engine was shut down'));
    this.pending.clear();
  }
}
