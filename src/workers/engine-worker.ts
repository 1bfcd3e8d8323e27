/// <reference lib="webworker" />
/**
 * The engine's worker: a thin adapter from protocol messages to `Engine` calls. Requests run one at a
 * time, in order; only `abort` is handled the moment it arrives.
 */
import { Engine } from '../engine/engine';
import type { EngineEvent, EngineRequest } from '../core/protocol';
import { toErrorInfo } from '../core/errors';
import { createEventYielder } from '../engine/yield';
import { browserModelSource } from '../models/model-source';

declare const self: DedicatedWorkerGlobalScope;

const engine = new Engine(browserModelSource());
const aborted = new Set<number>();
/** Loads in progress, so an `abort` can cancel their download. */
const loadControllers = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

function post(event: EngineEvent): void {
  self.postMessage(event);
}

const yieldToEvents = createEventYielder(4);

async function handle(request: EngineRequest): Promise<void> {
  const { id } = request;
  try {
    switch (request.kind) {
      case 'load': {
        const controller = new AbortController();
        loadControllers.set(id, controller);
        if (aborted.has(id)) controller.abort();
        const info = await engine.load(request.payload, (progress) => post({ kind: 'progress', id, payload: progress }), controller.signal);
        post({ kind: 'loaded', id, payload: info });
        break;
      }
      case 'generate': {
        const result = await engine.generate(request.payload.messages, request.payload.settings, {
          onToken: (payload) => post({ kind: 'token', id, payload }),
          isAborted: () => aborted.has(id),
          yieldToEvents,
        });
        post({ kind: 'done', id, payload: result });
        break;
      }
      case 'abort':
        break;
    }
  } catch (error) {
    post({ kind: 'error', id, payload: toErrorInfo(error) });
  } finally {
    aborted.delete(id);
    loadControllers.delete(id);
  }
}

self.onmessage = (message: MessageEvent<EngineRequest>) => {
  const request = message.data;
  if (request.kind === 'abort') {
    aborted.add(request.payload.target);
    loadControllers.get(request.payload.target)?.abort();
    return;
  }
  if (request.kind === 'debug-crash') {
    setTimeout(() => {
      throw new Error('crash requested by the debug hook');
    });
    return;
  }
  if (request.kind === 'debug-lose-device') {
    void engine.debugLoseDevice().catch(() => undefined);
    return;
  }
  if (request.kind === 'debug-fail-next-step') {
    engine.debugFailNextStep(request.payload.message);
    return;
  }
  queue = queue.then(() => handle(request));
};
