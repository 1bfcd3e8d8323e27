/**
 * The page's side of the engine: load and generate as promises with progress and token callbacks,
 * over the shared worker RPC. A crashed worker is replaced, and every pending call gets a clear error.
 */
import type { BackendPreference, ChatMessage, EngineEvent, EngineReplies, EngineRequest, GenerationResult, GenerationSettings, LoadProgress, LoadRequest, ModelInfo, RuntimeDownload, TokenPayload } from '../core/protocol';
import { DEBUG_HOOKS, WorkerRpc } from './rpc';

export interface GenerationHandle {
  id: number;
  done: Promise<GenerationResult>;
}

export class EngineClient {
  private readonly rpc: WorkerRpc<EngineRequest, EngineEvent, EngineReplies>;
  /** The load in flight, so it can be cancelled. */
  private loadId: number | null = null;
  /** Called when the worker died by itself (not on `restart` or `dispose`), so the app can reload the model. */
  onCrash: ((detail: string) => void) | null = null;

  constructor(createWorker: () => Worker = () => new Worker(new URL('../workers/engine-worker.ts', import.meta.url), { type: 'module' })) {
    this.rpc = new WorkerRpc({ createWorker, replyKinds: ['loaded', 'done', 'runtime-download'], onCrash: (detail) => this.onCrash?.(detail) });
  }

  load(request: Omit<LoadRequest, 'baseUrl'>, onProgress: (p: LoadProgress) => void): Promise<ModelInfo> {
    const { id, done } = this.rpc.call('load', { ...request, baseUrl: globalThis.location?.href ?? '' }, (event) => {
      if (event.kind === 'progress') onProgress(event.payload);
    });
    this.loadId = id;
    const clear = () => {
      if (this.loadId === id) this.loadId = null;
    };
    done.then(clear, clear);
    return done;
  }

  /** What the runtime for `backend` still has to download before a model can run (answered even during a load). */
  runtimeDownload(backend: BackendPreference): Promise<RuntimeDownload> {
    return this.rpc.call('runtime-download', { backend }).done;
  }

  /** Stops the download of the load in flight; it rejects with DownloadCancelledError. */
  cancelLoad(): void {
    if (this.loadId !== null) this.abort(this.loadId);
  }

  generate(messages: ChatMessage[], settings: GenerationSettings, onToken: (t: TokenPayload) => void): GenerationHandle {
    return this.rpc.call('generate', { messages, settings }, (event) => {
      if (event.kind === 'token') onToken(event.payload);
    });
  }

  abort(target: number): void {
    this.rpc.send('abort', { target });
  }

  /** Replaces the worker (after a GPU device loss or a crash); pending calls fail, the next call starts a new one. */
  restart(detail = 'the engine was restarted'): void {
    this.rpc.terminate(detail);
  }

  dispose(): void {
    this.rpc.terminate('the engine was shut down');
  }

  /** Test hook for ?debug=1 pages: makes the worker die of an uncaught error. */
  debugCrash(): boolean {
    return this.rpc.debugCrash();
  }

  /** Test hook for ?debug=1 pages: makes the worker destroy its GPU device. */
  debugLoseDevice(): boolean {
    return DEBUG_HOOKS && this.rpc.send('debug-lose-device', {});
  }

  /**
   * Test hook for ?debug=1 pages: the next decoder step fails with `message`, by default the text
   * onnxruntime gives when a GPU buffer cannot be allocated (a GPU out-of-memory).
   */
  debugFailNextStep(message = 'Failed to allocate a buffer of size 268435456 bytes'): boolean {
    return DEBUG_HOOKS && this.rpc.send('debug-fail-next-step', { message });
  }

  /** Test hook for ?debug=1 pages: the next reply holds still, streaming, after `afterTokens` tokens until it is stopped. */
  debugHoldReply(afterTokens = 2): boolean {
    return DEBUG_HOOKS && this.rpc.send('debug-hold-reply', { afterTokens });
  }
}
