/// <reference lib="webworker" />
/**
 * The engine's worker: a thin adapter from protocol messages to `Engine` calls. Requests run one at a
 * time, in order; aborts and test hooks act the moment they arrive.
 */
import { Engine, runtimeDownloadFor } from '../engine/engine';
import type { EngineEvent, EngineRequest } from '../core/protocol';
import { toErrorInfo } from '../core/errors';
import { createEventYielder } from '../engine/yield';
import { browserModelSource } from '../models/model-source';
import { postToPage, serve } from './serve';

const engine = new Engine(browserModelSource());
const aborted = new Set<number>();
/** Loads in progress, so an `abort` can cancel their download. */
const loadControllers = new Map<number, AbortController>();
const post = postToPage<EngineEvent>;

const yieldToEvents = createEventYielder(4);

/** Handled the moment they arrive: an abort must reach the generation it stops. */
type Immediate = 'abort' | 'runtime-download' | 'debug-lose-device' | 'debug-fail-next-step' | 'debug-hold-reply';

async function handle(request: Extract<EngineRequest, { kind: 'load' | 'generate' }>): Promise<void> {
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
    }
  } finally {
    aborted.delete(id);
    loadControllers.delete(id);
  }
}

serve<EngineRequest, Immediate>({
  now: {
    abort: (request) => {
      aborted.add(request.payload.target);
      loadControllers.get(request.payload.target)?.abort();
    },
    // A question, not work: answered at once, ahead of a load in progress.
    'runtime-download': (request) =>
      void runtimeDownloadFor(request.payload.backend).then(
        (payload) => post({ kind: 'runtime-download', id: request.id, payload }),
        (error: unknown) => post({ kind: 'error', id: request.id, payload: toErrorInfo(error) }),
      ),
    'debug-lose-device': () => void engine.debugLoseDevice().catch(() => undefined),
    'debug-fail-next-step': (request) => engine.debugFailNextStep(request.payload.message),
    'debug-hold-reply': (request) => engine.debugHoldReply(request.payload.afterTokens),
  },
  inTurn: handle,
});
