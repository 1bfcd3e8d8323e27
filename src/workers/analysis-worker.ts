/// <reference lib="webworker" />
/**
 * The architecture panel's worker: a thin adapter from analysis messages to `AnalysisEngine` calls,
 * one request at a time, in order.
 */
import { AnalysisEngine } from '../engine/analysis/analysis-engine';
import type { AnalysisEvent, AnalysisReplies, AnalysisRequest } from '../core/analysis-protocol';
import { toErrorInfo } from '../core/errors';
import { browserModelSource } from '../models/model-source';

declare const self: DedicatedWorkerGlobalScope;

const engine = new AnalysisEngine(browserModelSource());
let queue: Promise<void> = Promise.resolve();

async function answer(request: AnalysisRequest): Promise<AnalysisReplies[keyof AnalysisReplies]> {
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
  }
}

async function handle(request: AnalysisRequest): Promise<void> {
  let event: AnalysisEvent;
  try {
    event = { kind: 'result', id: request.id, payload: await answer(request) };
  } catch (error) {
    event = { kind: 'error', id: request.id, payload: toErrorInfo(error) };
  }
  self.postMessage(event);
}

self.onmessage = (message: MessageEvent<AnalysisRequest>) => {
  const request = message.data;
  queue = queue.then(() => handle(request));
};
