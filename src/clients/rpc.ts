/**
 * The page's side of a worker, shared by the engine, analysis and benchmark clients: typed requests
 * out, replies and events matched to their request by id, errors rebuilt with their name and params.
 * A worker that dies fails every pending call with a named error and is replaced on the next request.
 */
import { EngineError, WorkerCrashedError, WorkerUnavailableError } from '../core/errors';
import type { DebugCrashRequest, EngineErrorInfo, ErrorReply, WorkerMessage } from '../core/protocol';

/** An error raised in a worker, rebuilt on the page: the name of the class that raised it there, its text and params. */
export class RemoteEngineError extends EngineError {
  constructor(info: EngineErrorInfo) {
    super(info.message, info.params);
    this.name = info.name;
  }
}

export type PayloadOf<M extends WorkerMessage, K extends M['kind']> = Extract<M, { kind: K }>['payload'];

// Read once at start-up: the app rewrites its URL after the first load.
/** The page has ?debug=1: the clients' test hooks (crash a worker, lose the GPU device) are enabled. */
export const DEBUG_HOOKS = typeof location !== 'undefined' && new URLSearchParams(location.search).get('debug') === '1';

export interface RpcOptions {
  /** Starts a worker: on the first request, and on the first one after the worker died. */
  createWorker: () => Worker;
  /** Kinds of event that settle a request with their payload; `error` always rejects, any other kind is an event. */
  replyKinds: readonly string[];
  /** What pending calls fail with when the worker dies or is stopped; WorkerCrashedError by default. */
  crashError?: (detail: string) => Error;
  /** Called when the worker died by itself (not on `terminate`), after its pending calls failed. */
  onCrash?: (detail: string) => void;
}

interface Pending<Ev> {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  onEvent?: (event: Ev) => void;
}

export class WorkerRpc<Req extends WorkerMessage, Ev extends WorkerMessage, Replies extends Partial<Record<Req['kind'], unknown>>> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Ev>>();
  private readonly replyKinds: ReadonlySet<string>;

  constructor(private readonly options: RpcOptions) {
    if (typeof Worker === 'undefined') throw new WorkerUnavailableError();
    this.replyKinds = new Set(options.replyKinds);
  }

  /** Calls awaiting their reply (for tests: a settled call leaves nothing behind). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends a request, starting a worker if none runs; `onEvent` gets the request's events before its reply. */
  call<K extends Req['kind'] & keyof Replies>(kind: K, payload: PayloadOf<Req, K>, onEvent?: (event: Ev) => void): { id: number; done: Promise<Replies[K]> } {
    const id = this.nextId++;
    const worker = this.ensureWorker();
    let entry!: Pending<Ev>;
    const done = new Promise<Replies[K]>((resolve, reject) => {
      entry = { resolve: resolve as (value: never) => void, reject, onEvent };
    });
    this.pending.set(id, entry);
    try {
      worker.postMessage({ kind, id, payload });
    } catch (error) {
      // A payload that cannot be cloned: this call fails, the worker is fine.
      this.pending.delete(id);
      entry.reject(error as Error);
    }
    return { id, done };
  }

  /** Posts a message that expects no reply (abort, cancel) to the running worker; false when none runs. */
  send<K extends Req['kind']>(kind: K, payload: PayloadOf<Req, K>): boolean {
    return this.post({ kind, id: this.nextId++, payload });
  }

  /** Test hook for ?debug=1 pages: makes the worker die of an uncaught error, as a crash would. */
  debugCrash(): boolean {
    return DEBUG_HOOKS && this.post({ kind: 'debug-crash', id: this.nextId++, payload: {} } satisfies DebugCrashRequest);
  }

  /** Stops the worker; every pending call fails with the crash error, and the next request starts a new worker. */
  terminate(detail: string): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      // A message or error already queued from the old worker must not reach the next one's calls.
      worker.onmessage = null;
      worker.onerror = null;
      worker.onmessageerror = null;
      worker.terminate();
    }
    const pending = [...this.pending.values()];
    this.pending.clear();
    const crashError = this.options.crashError ?? ((d: string) => new WorkerCrashedError(d));
    for (const call of pending) call.reject(crashError(detail));
  }

  private post(message: WorkerMessage): boolean {
    if (!this.worker) return false;
    this.worker.postMessage(message);
    return true;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.options.createWorker();
    worker.onmessage = (message: MessageEvent<Ev | ErrorReply>) => this.receive(message.data);
    worker.onerror = (event) => this.died(event.message || 'worker error');
    worker.onmessageerror = () => this.died('a message could not be read');
    this.worker = worker;
    return worker;
  }

  private receive(event: Ev | ErrorReply): void {
    const call = this.pending.get(event.id);
    if (!call) return;
    if (event.kind === 'error') {
      this.pending.delete(event.id);
      call.reject(new RemoteEngineError((event as ErrorReply).payload));
    } else if (this.replyKinds.has(event.kind)) {
      this.pending.delete(event.id);
      call.resolve(event.payload as never);
    } else {
      call.onEvent?.(event as Ev);
    }
  }

  private died(detail: string): void {
    this.terminate(detail);
    this.options.onCrash?.(detail);
  }
}
