/**
 * The worker RPC all three clients use: replies and events reach the request they belong to, errors
 * keep their name and params, a worker that dies fails every pending call and is replaced on the next
 * request, and nothing is left attached to a worker the page let go of.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RemoteEngineError, WorkerRpc, type RpcOptions } from '../../src/clients/rpc';
import { BenchWorkerCrashedError, ModelFetchError, toErrorInfo, WorkerCrashedError, WorkerUnavailableError } from '../../src/core/errors';
import type { DebugCrashRequest, ErrorReply } from '../../src/core/protocol';
import { fakeWorkers } from '../support/fake-worker';
import { rejection } from '../support/rejection';

type Req =
  | { kind: 'count'; id: number; payload: { to: number } }
  | { kind: 'echo'; id: number; payload: { text: unknown } }
  | { kind: 'stop'; id: number; payload: { target: number } }
  | DebugCrashRequest;
type Ev = { kind: 'tick'; id: number; payload: number } | { kind: 'result'; id: number; payload: unknown } | ErrorReply;
interface Replies {
  count: number;
  echo: string;
}

function setup(options: Partial<RpcOptions> = {}) {
  const { create, workers } = fakeWorkers<Req, Ev>();
  const rpc = new WorkerRpc<Req, Ev, Replies>({ createWorker: create, replyKinds: ['result'], ...options });
  return { rpc, workers };
}

describe('WorkerRpc without Web Workers', () => {
  it('refuses to start, with the error that says which browsers work', () => {
    expect(() => setup()).toThrow(WorkerUnavailableError);
  });
});

describe('WorkerRpc', () => {
  beforeEach(() => vi.stubGlobal('Worker', class {}));
  afterEach(() => vi.unstubAllGlobals());

  it('starts its worker on the first request and resolves each call with the reply of its id', async () => {
    const { rpc, workers } = setup();
    expect(workers).toHaveLength(0);
    const a = rpc.call('echo', { text: 'a' });
    const b = rpc.call('count', { to: 3 });
    expect(workers).toHaveLength(1);
    expect(workers[0].posted).toEqual([
      { kind: 'echo', id: a.id, payload: { text: 'a' } },
      { kind: 'count', id: b.id, payload: { to: 3 } },
    ]);
    workers[0].reply({ kind: 'result', id: b.id, payload: 3 });
    workers[0].reply({ kind: 'result', id: a.id, payload: 'a' });
    expect(await a.done).toBe('a');
    expect(await b.done).toBe(3);
    expect(rpc.pendingCount).toBe(0);
  });

  it('routes each event to the request it belongs to, and none after the reply', async () => {
    const { rpc, workers } = setup();
    const ticksA: number[] = [];
    const ticksB: number[] = [];
    const a = rpc.call('count', { to: 2 }, (e) => e.kind === 'tick' && ticksA.push(e.payload));
    const b = rpc.call('count', { to: 2 }, (e) => e.kind === 'tick' && ticksB.push(e.payload));
    const w = workers[0];
    w.reply({ kind: 'tick', id: b.id, payload: 10 });
    w.reply({ kind: 'tick', id: a.id, payload: 1 });
    w.reply({ kind: 'tick', id: a.id, payload: 2 });
    w.reply({ kind: 'result', id: a.id, payload: 2 });
    w.reply({ kind: 'tick', id: a.id, payload: 99 });
    w.reply({ kind: 'tick', id: 12345, payload: 7 });
    w.reply({ kind: 'tick', id: b.id, payload: 20 });
    await a.done;
    expect(ticksA).toEqual([1, 2]);
    expect(ticksB).toEqual([10, 20]);
  });

  it('an error reply rejects with the name, message and params the worker sent', async () => {
    const { rpc, workers } = setup();
    const call = rpc.call('echo', { text: 'x' });
    const raised = new ModelFetchError('http://h/m/config.json', { kind: 'http-status', status: 404, statusText: 'Not Found' });
    workers[0].reply({ kind: 'error', id: call.id, payload: toErrorInfo(raised) });
    const error = await rejection(call.done);
    expect(error).toBeInstanceOf(RemoteEngineError);
    expect(error.name).toBe('ModelFetchError');
    expect(error.message).toBe(raised.message);
    // The page words errors from toErrorInfo: it must get back exactly what the worker raised.
    expect(toErrorInfo(error)).toEqual(toErrorInfo(raised));
    expect(toErrorInfo(error).params).toMatchObject({ status: 404, kind: 'http-status' });
  });

  it('a crash fails every pending call with WorkerCrashedError, tells onCrash, and the next request starts a new worker', async () => {
    const onCrash = vi.fn();
    const { rpc, workers } = setup({ onCrash });
    const calls = [rpc.call('echo', { text: 'a' }), rpc.call('count', { to: 9 }, () => {})];
    const first = workers[0];
    first.crash('out of memory in worker');
    for (const { done } of calls) {
      const error = await rejection(done);
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect(error.message).toContain('out of memory in worker');
    }
    expect(onCrash).toHaveBeenCalledOnce();
    expect(onCrash).toHaveBeenCalledWith('out of memory in worker');
    expect(first.terminated).toBe(true);
    expect(first.listeners()).toBe(0);
    expect(rpc.pendingCount).toBe(0);

    const next = rpc.call('echo', { text: 'again' });
    expect(workers).toHaveLength(2);
    expect(first.posted).toHaveLength(2);
    expect(workers[1].posted).toEqual([{ kind: 'echo', id: next.id, payload: { text: 'again' } }]);
    workers[1].reply({ kind: 'result', id: next.id, payload: 'again' });
    expect(await next.done).toBe('again');
  });

  it('a message that cannot be read counts as a crash; a crash without a message still says what happened', async () => {
    const { rpc, workers } = setup();
    const garbled = rpc.call('echo', { text: 'a' });
    workers[0].garble();
    await expect(garbled.done).rejects.toThrow(/a message could not be read/);
    const silent = rpc.call('echo', { text: 'b' });
    workers[1].crash('');
    await expect(silent.done).rejects.toThrow(/worker error/);
    expect(workers).toHaveLength(2);
  });

  it('fails pending calls with the error the client chose for a crash', async () => {
    const { rpc, workers } = setup({ crashError: (detail) => new BenchWorkerCrashedError(detail) });
    const call = rpc.call('count', { to: 1 });
    workers[0].crash('Aborted()');
    const error = await rejection(call.done);
    expect(error).toBeInstanceOf(BenchWorkerCrashedError);
    expect(toErrorInfo(error)).toMatchObject({ name: 'BenchWorkerCrashedError', params: { detail: 'Aborted()' } });
  });

  it('terminate fails pending calls without calling onCrash, and the next request starts a new worker', async () => {
    const onCrash = vi.fn();
    const { rpc, workers } = setup({ onCrash });
    const call = rpc.call('echo', { text: 'a' });
    rpc.terminate('the engine was restarted');
    await expect(call.done).rejects.toThrow(/the engine was restarted/);
    expect(onCrash).not.toHaveBeenCalled();
    expect(workers[0].terminated).toBe(true);
    expect(workers[0].listeners()).toBe(0);
    rpc.call('echo', { text: 'b' }).done.catch(() => {});
    expect(workers).toHaveLength(2);
  });

  it('send reaches only a running worker, with an id of its own', () => {
    const { rpc, workers } = setup();
    expect(rpc.send('stop', { target: 1 })).toBe(false);
    expect(workers).toHaveLength(0);
    const call = rpc.call('count', { to: 5 });
    expect(rpc.send('stop', { target: call.id })).toBe(true);
    const stop = workers[0].last();
    expect(stop).toMatchObject({ kind: 'stop', payload: { target: call.id } });
    expect(stop.id).not.toBe(call.id);
  });

  it('a payload that cannot cross to the worker fails only its own call', async () => {
    const { rpc, workers } = setup();
    const bad = rpc.call('echo', { text: () => 'a function' });
    await expect(bad.done).rejects.toThrow();
    expect(rpc.pendingCount).toBe(0);
    const good = rpc.call('echo', { text: 'fine' });
    workers[0].reply({ kind: 'result', id: good.id, payload: 'fine' });
    expect(await good.done).toBe('fine');
    expect(workers).toHaveLength(1);
  });

  it('leaves nothing behind: many settled calls keep one set of handlers and no pending entry', async () => {
    const { rpc, workers } = setup();
    for (let i = 0; i < 50; i++) {
      const call = rpc.call('count', { to: i }, () => {});
      if (i % 2) workers[0].reply({ kind: 'result', id: call.id, payload: i });
      else workers[0].reply({ kind: 'error', id: call.id, payload: { name: 'NoModelLoadedError', message: 'No model is loaded yet.' } });
      await call.done.catch(() => {});
    }
    expect(rpc.pendingCount).toBe(0);
    expect(workers).toHaveLength(1);
    expect(workers[0].listeners()).toBe(3);
  });

  it('debugCrash does nothing without ?debug=1', () => {
    const { rpc, workers } = setup();
    rpc.call('echo', { text: 'a' }).done.catch(() => {});
    expect(rpc.debugCrash()).toBe(false);
    expect(workers[0].posted.map((m) => m.kind)).toEqual(['echo']);
  });

  it('debugCrash on a ?debug=1 page asks the running worker to crash', async () => {
    vi.stubGlobal('location', { search: '?debug=1', href: 'http://localhost/?debug=1' });
    vi.resetModules();
    const { WorkerRpc: DebugRpc } = await import('../../src/clients/rpc');
    const { create, workers } = fakeWorkers<Req, Ev>();
    const rpc = new DebugRpc<Req, Ev, Replies>({ createWorker: create, replyKinds: ['result'] });
    expect(rpc.debugCrash()).toBe(false); // no worker yet: nothing to crash
    rpc.call('echo', { text: 'a' }).done.catch(() => {});
    expect(rpc.debugCrash()).toBe(true);
    expect(workers[0].last()).toMatchObject({ kind: 'debug-crash', payload: {} });
  });
});
