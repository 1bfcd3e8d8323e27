/**
 * The workers' side of the RPC: requests run one at a time in order, `now` kinds act at once (an abort
 * while a run is in turn), a request that throws gets its error back with name and params (what lets
 * the page word a benchmark error in Chinese), and the crash hook kills the worker with an uncaught error.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelFetchError, toErrorInfo } from '../../src/core/errors';
import type { DebugCrashRequest, WorkerMessage } from '../../src/core/protocol';
import { serve } from '../../src/workers/serve';

type Req =
  | { kind: 'work'; id: number; payload: { ms: number; fail?: boolean } }
  | { kind: 'stop'; id: number; payload: { target: number } }
  | DebugCrashRequest;

/** The worker's global scope, as far as serve() uses it. */
function fakeScope() {
  const posted: WorkerMessage[] = [];
  const scope = {
    onmessage: null as ((message: MessageEvent) => void) | null,
    postMessage: (message: WorkerMessage) => posted.push(structuredClone(message)),
  };
  vi.stubGlobal('self', scope);
  return { posted, send: (request: Req) => scope.onmessage!({ data: request } as MessageEvent) };
}

describe('serve', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('runs requests in turn, acts on `now` kinds at once, and sends a thrown error back with its params', async () => {
    const { posted, send } = fakeScope();
    const log: string[] = [];
    serve<Req, 'stop'>({
      now: { stop: (request) => void log.push(`stop ${request.payload.target}`) },
      inTurn: async (request) => {
        log.push(`start ${request.id}`);
        await new Promise((resolve) => setTimeout(resolve, request.payload.ms));
        log.push(`end ${request.id}`);
        if (request.payload.fail) throw new ModelFetchError('http://h/m/config.json', { kind: 'http-status', status: 404, statusText: 'Not Found' });
      },
    });
    send({ kind: 'work', id: 1, payload: { ms: 50, fail: true } });
    send({ kind: 'work', id: 2, payload: { ms: 10 } });
    send({ kind: 'stop', id: 3, payload: { target: 1 } });
    await vi.runAllTimersAsync();
    expect(log).toEqual(['stop 1', 'start 1', 'end 1', 'start 2', 'end 2']);
    const error = new ModelFetchError('http://h/m/config.json', { kind: 'http-status', status: 404, statusText: 'Not Found' });
    expect(posted).toEqual([{ kind: 'error', id: 1, payload: toErrorInfo(error) }]);
    expect(posted[0]).toMatchObject({ payload: { name: 'ModelFetchError', params: { status: 404, url: 'http://h/m/config.json' } } });
  });

  it('the crash hook throws outside any promise, as a real crash would', () => {
    const { send } = fakeScope();
    const inTurn = vi.fn(async () => {});
    serve<Req, 'stop'>({ now: { stop: () => {} }, inTurn });
    send({ kind: 'debug-crash', id: 1, payload: {} });
    expect(() => vi.runAllTimers()).toThrow('crash requested by the debug hook');
    expect(inTurn).not.toHaveBeenCalled();
  });
});
