/**
 * The page's side of the analysis worker: typed requests in, promises out, over the shared worker RPC.
 * A crashed worker is replaced on the next request, and every pending call gets a clear error.
 */
import type { AnalysisEvent, AnalysisLoadRequest, AnalysisReplies, AnalysisRequest, ModelSlot, SamplingPreviewPayload } from '../core/analysis-protocol';
import { WorkerRpc, type PayloadOf } from './rpc';

export class AnalysisClient {
  private readonly rpc: WorkerRpc<AnalysisRequest, AnalysisEvent, AnalysisReplies>;
  /** Called when the worker died by itself and took its loaded models with it. */
  onCrash: ((detail: string) => void) | null = null;
  private readonly replyListeners = new Set<() => void>();

  constructor(createWorker: () => Worker = () => new Worker(new URL('../workers/analysis-worker.ts', import.meta.url), { type: 'module' })) {
    this.rpc = new WorkerRpc({ createWorker, replyKinds: ['result'], onCrash: (detail) => this.onCrash?.(detail) });
  }

  load(request: Omit<AnalysisLoadRequest, 'baseUrl'>) {
    return this.call('load', { ...request, baseUrl: globalThis.location?.href ?? '' });
  }
  tokenize(slot: ModelSlot, text: string) {
    return this.call('tokenize', { slot, text });
  }
  decoderAttention(ids: number[]) {
    return this.call('decoder-attention', { ids });
  }
  encoderRun(slot: ModelSlot, ids: number[], maskPositions: number[], topK = 5) {
    return this.call('encoder-run', { slot, ids, maskPositions, topK });
  }
  decoderStep(ids: number[], reset: boolean) {
    return this.call('decoder-step', { ids, reset });
  }
  prefixChange(slot: ModelSlot, ids: number[]) {
    return this.call('prefix-change', { slot, ids });
  }

  headInside(slot: ModelSlot, ids: number[], layer: number, head: number, token: number) {
    return this.call('head-inside', { slot, ids, layer, head, token });
  }

  /** The chat's sampler on these logits: what the settings keep, and where `draws` draws land. */
  samplingPreview(payload: SamplingPreviewPayload) {
    return this.call('sampling-preview', payload);
  }

  /**
   * Calls `listener` after each reply (or failure) has been handed to its caller: what the lesson
   * shows changes only then, so it refits a slide on this instead of polling. Returns the unsubscribe.
   */
  onReply(listener: () => void): () => void {
    this.replyListeners.add(listener);
    return () => this.replyListeners.delete(listener);
  }

  private call<K extends AnalysisRequest['kind'] & keyof AnalysisReplies>(kind: K, payload: PayloadOf<AnalysisRequest, K>): Promise<AnalysisReplies[K]> {
    const done = this.rpc.call(kind, payload).done;
    const notify = () => {
      for (const listener of this.replyListeners) listener();
    };
    done.then(notify, notify);
    return done;
  }

  /** Test hook for ?debug=1 pages: makes the worker die of an uncaught error. */
  debugCrash(): boolean {
    return this.rpc.debugCrash();
  }

  dispose(detail = 'the analysis engine was shut down'): void {
    this.rpc.terminate(detail);
  }
}
