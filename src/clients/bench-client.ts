/** The page's side of the benchmark worker: runs with progress and cancel, over the shared worker RPC. */
import type { BenchEvent, BenchOutcome, BenchProgress, BenchReplies, BenchRequest, BenchRequestPayload } from '../bench/shared/protocol';
import type { BackendResult } from '../bench/shared/types';
import { BenchWorkerCrashedError } from '../core/errors';
import { WorkerRpc } from './rpc';

export class BenchClient {
  private readonly rpc: WorkerRpc<BenchRequest, BenchEvent, BenchReplies>;

  constructor(createWorker: () => Worker = () => new Worker(new URL('../workers/bench-worker.ts', import.meta.url), { type: 'module' })) {
    // Named for the benchmark: a worker that dies mid-run has usually run out of memory on the model.
    this.rpc = new WorkerRpc({ createWorker, replyKinds: ['done'], crashError: (detail) => new BenchWorkerCrashedError(detail) });
  }

  run(payload: BenchRequestPayload, onProgress: (p: BenchProgress) => void, onBackend: (r: BackendResult) => void): { id: number; done: Promise<BenchOutcome> } {
    return this.rpc.call('bench', payload, (event) => {
      if (event.kind === 'progress') onProgress(event.payload);
      else if (event.kind === 'backend-done') onBackend(event.payload);
    });
  }

  cancel(target: number): void {
    this.rpc.send('cancel', { target });
  }

  /** Test hook for ?debug=1 pages: makes the worker die of an uncaught error. */
  debugCrash(): boolean {
    return this.rpc.debugCrash();
  }

  dispose(): void {
    this.rpc.terminate('the benchmark was closed');
  }
}
