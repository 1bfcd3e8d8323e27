/// <reference lib="webworker" />
/**
 * The architecture panel's worker: a thin adapter from analysis messages to `AnalysisEngine` calls,
 * one request at a time, in order.
 */
import { AnalysisEngine } from '../engine/analysis/analysis-engine';
import type { AnalysisEvent, AnalysisReplies, AnalysisRequest } from '../core/analysis-protocol';
import { previewSampling } from '../engine/sampling-preview';
import { browserModelSource } from '../models/model-source';
import { postToPage, serve } from './serve';

const engine = new AnalysisEngine(browserModelSource());

async function answer(request: Exclude<AnalysisRequest, { kind: 'debug-crash' }>): Promise<AnalysisReplies[keyof AnalysisReplies]> {
  switch (request.kind) {
    case 'load':
      return engine.load(request.payload);
    case 'tokenize':
      return engine.tokenize(request.payload.slot, request.payload.text);
    case 'decoder-attention':
      return engine.decoderAttention(request.payload.ids);
    case 'encoder-run':
      return engine.encoderRun(request.payload.slot, request.payload.ids, request.payload.maskPositions, request.payload.topK);
    case 'decoder-step':
      return engine.decoderStep(request.payload.ids, request.payload.reset);
    case 'prefix-change':
      return engine.prefixChange(request.payload.slot, request.payload.ids);
    case 'head-inside':
      return engine.headInside(request.payload.slot, request.payload.ids, request.payload.layer, request.payload.head, request.payload.token);
    case 'sampling-preview':
      return previewSampling(request.payload);
  }
}

serve<AnalysisRequest>({
  now: {},
  inTurn: async (request) => postToPage<AnalysisEvent>({ kind: 'result', id: request.id, payload: await answer(request) }),
});
