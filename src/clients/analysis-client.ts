/**
 * The page's side of the analysis worker: typed requests in, promises out, over the shared worker RPC.
 * A crashed worker is replaced on the next request, and every pending call gets a clear error.
 */
import type { AnalysisEvent, AnalysisLoadRequest, AnalysisReplies, AnalysisRequest, ModelSlot, SamplingPreviewPayload } from '../core/analysis-protocol';
import { WorkerRpc } from './rpc';

export class AnalysisClient {
  private readonly rpc: WorkerRpc<AnalysisRequest, AnalysisEvent, AnalysisReplies>;
  /** Called when the worker died by itself and took its loaded models with it. */
  onCrash: ((detail: string) => void) | null = null;

  constructor(createWorker: () => Worker = () => new Worker(new URL('../workers/analysis-worker.ts', import.meta.url), { type: 'module' })) {
    this.rpc = new WorkerRpc({ createWorker, replyKinds: ['result'], onCrash: (detail) => this.onCrash?.(detail) });
  }

  load(request: Omit<AnalysisLoadRequest, 'baseUrl'>) {
    return this.rpc.call('load', { ...request, baseUrl: globalThis.location?.href ?? '' }).done;
  }
  tokenize(slot: ModelSlot, text: string) {
    return this.rpc.call('tokenize', { slot, text }).done;
  }
  decoderAttention(ids: number[]) {
    return this.rpc.call('decoder-attention', { ids }).done;
  }
  encoderRun(slot: ModelSlot, ids: number[], maskPositions: number[], topK = 5) {
    return this.rpc.call('encoder-run', { slot, ids, maskPositions, topK }).done;
  }
  decoderStep(ids: number[], reset: boolean) {
    return this.rpc.call('decoder-step', { ids, reset }).done;
  }
  prefixChange(slot: ModelSlot, ids: number[]) {
    return this.rpc.call('prefix-change', { slot, ids }).done;
  }

  headInside(slot: ModelSlot, ids: number[], layer: number, head: number, token: number) {
    return this.rpc.call('head-inside', { slot, ids, layer, head, token }).done;
  }

  /** The chat's sampler on these logits: what the settings keep, and where `draws` draws land. */
  samplingPreview(payload: SamplingPreviewPayload) {
    return this.rpc.call('sampling-preview', payload).done;
  }

  /** Test hook for ?debug=1 pages: makes the worker die of an uncaught error. */
  debugCrash(): boolean {
    return this.rpc.debugCrash();
  }

  dispose(detail = 'the analysis engine was shut down'): void {
    this.rpc.terminate(detail);
  }
}
