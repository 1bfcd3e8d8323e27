/** The page's side of the benchmark worker: one request at a time, with progress and cancel. */
import type { BenchEvent, BenchProgress, BenchRequest, BenchRequestPayload, ModelDescription } from '../bench/protocol';
import type { BackendResult, SkippedContender } from '../bench/types';

/** The error name `run` rejects with when the worker itself dies (out of memory, a crash in the runtime). */
export const BENCH_WORKER_CRASHED = 'BenchWorkerCrashed';

export interface BenchOutcome {
  model: ModelDescription;
  results: BackendResult[];
  /** Comparisons that could not run; the results of the others stand. */
  skipped: SkippedContender[];
  cancelled: boolean;
}

export class BenchClient {
  private worker: Worker | null = null;
  private nextId = 1;

  constructor(private readonly createWorker: () => Worker = () => new Worker(new URL('../workers/bench-worker.ts', import.meta.url), { type: 'module' })) {}

  run(payload: BenchRequestPayload, onProgress: (p: BenchProgress) => void, onBackend: (r: BackendResult) => void): { id: number; done: Promise<BenchOutcome> } {
    const id = this.nextId++;
    const worker = (this.worker ??= this.createWorker());
    const done = new Promise<BenchOutcome>((resolve, reject) => {
      const onMessage = (message: MessageEvent<BenchEvent>) => {
        const event = message.data;
        if (event.id !== id) return;
        if (event.kind === 'progress') onProgress(event.payload);
        else if (event.kind === 'backend-done') onBackend(event.payload);
        else {
          worker.removeEventListener('message', onMessage);
          if (event.kind === 'done') resolve(event.payload);
          else reject(Object.assign(new Error(event.payload.message), { name: event.payload.name }));
        }
      };
      worker.addEventListener('message', onMessage);
      // Named, so the page can say it in its language; the message is the browser's.
      worker.onerror = (e) => reject(Object.assign(new Error(e.message), { name: BENCH_WORKER_CRASHED }));
    });
    worker.postMessage({ kind: 'bench', id, payload } satisfies BenchRequest);
    return { id, done };
  }

  cancel(target: number): void {
    this.worker?.postMessage({ kind: 'cancel', id: this.nextId++, payload: { target } } satisfies BenchRequest);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }
}
