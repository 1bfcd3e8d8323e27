/**
 * The page's side of the analysis worker: typed requests in, promises out. A crashed worker is
 * replaced on the next request, and every pending call gets a clear error.
 */
import { WorkerCrashedError, WorkerUnavailableError } from '../core/errors';
import { RemoteEngineError } from './engine-client';
import type { AnalysisEvent, AnalysisLoadRequest, AnalysisReplies, AnalysisRequest, ModelSlot } from '../core/analysis-protocol';

type RequestOf<K extends AnalysisRequest['kind']> = Extract<AnalysisRequest, { kind: K }>;

export class AnalysisClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly createWorker: () => Worker = () => new Worker(new URL('../workers/analysis-worker.ts', import.meta.url), { type: 'module' }),
  ) {
    if (typeof Worker === 'undefined') throw new WorkerUnavailableError();
  }

  load(request: Omit<AnalysisLoadRequest, 'baseUrl'>) {
    return this.request('load', { ...request, baseUrl: globalThis.location?.href ?? '' });
  }
  tokenize(slot: ModelSlot, text: string) {
    return this.request('tokenize', { slot, text });
  }
  decoderAttention(ids: number[]) {
    return this.request('decoder-attention', { ids });
  }
  encoderRun(slot: ModelSlot, ids: number[], maskPositions: number[], topK = 5) {
    return this.request('encoder-run', { slot, ids, maskPositions, topK });
  }
  decoderStep(ids: number[], reset: boolean) {
    return this.request('decoder-step', { ids, reset });
  }
  prefixChange(slot: ModelSlot, ids: number[]) {
    return this.request('prefix-change', { slot, ids });
  }

  private request<K extends AnalysisRequest['kind']>(kind: K, payload: RequestOf<K>['payload']): Promise<AnalysisReplies[K]> {
    const id = this.nextId++;
    const done = new Promise<AnalysisReplies[K]>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: never) => void, reject }));
    this.ensureWorker().postMessage({ kind, id, payload } as AnalysisRequest);
    return done;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (message: MessageEvent<AnalysisEvent>) => this.receive(message.data);
    worker.onerror = (event) => this.fail(event.message || 'worker error');
    worker.onmessageerror = () => this.fail('a message could not be read');
    this.worker = worker;
    return worker;
  }

  private receive(event: AnalysisEvent): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    this.pending.delete(event.id);
    if (event.kind === 'error') pending.reject(new RemoteEngineError(event.payload));
    else pending.resolve(event.payload as never);
  }

  private fail(detail: string): void {
    this.dispose(detail);
  }

  dispose(detail = 'the analysis engine was shut down'): void {
    this.worker?.terminate();
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(new WorkerCrashedError(detail));
    this.pending.clear();
  }
}
