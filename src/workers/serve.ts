/// <reference lib="webworker" />
/**
 * The worker's side of the RPC (src/clients/rpc.ts), shared by the three workers: requests are
 * served one at a time in order, a request that throws gets its error back as `{ name, message,
 * params }`, a few kinds (abort, cancel, test hooks) act the moment they arrive, and `debug-crash`
 * kills the worker the way a real crash would.
 */
import { toErrorInfo } from '../core/errors';
import type { DebugCrashRequest, ErrorReply, WorkerMessage } from '../core/protocol';

declare const self: DedicatedWorkerGlobalScope;

/** Posts an event of the worker's protocol to the page. */
export function postToPage<Ev extends WorkerMessage>(event: Ev | ErrorReply): void {
  self.postMessage(event);
}

type Served<Req extends WorkerMessage> = Exclude<Req, DebugCrashRequest>;

export interface Handlers<Req extends WorkerMessage, Now extends Served<Req>['kind']> {
  /** Kinds handled the moment they arrive, ahead of the queue (an abort must not wait for what it aborts). */
  now: { [K in Now]: (request: Extract<Served<Req>, { kind: K }>) => void };
  /** Every other request, in turn; what it throws goes back to the page as the request's error. */
  inTurn: (request: Exclude<Served<Req>, { kind: Now }>) => Promise<void>;
}

/** Serves the worker's protocol `Req`; the kinds `Now` are handled at once, the others in order. */
export function serve<Req extends WorkerMessage, Now extends Served<Req>['kind'] = never>(handlers: Handlers<Req, Now>): void {
  let queue: Promise<void> = Promise.resolve();
  self.onmessage = (message: MessageEvent<Req>) => {
    const request = message.data as Served<Req> | DebugCrashRequest;
    if (request.kind === 'debug-crash') {
      // Thrown outside any promise, so it reaches the page as the worker's `error` event.
      setTimeout(() => {
        throw new Error('crash requested by the debug hook');
      });
      return;
    }
    // The map is keyed by kind, so the handler found takes this very request.
    const now = (handlers.now as Partial<Record<string, (request: never) => void>>)[request.kind];
    if (now) {
      now(request as never);
      return;
    }
    const queued = request as Exclude<Served<Req>, { kind: Now }>;
    queue = queue.then(() =>
      handlers.inTurn(queued).catch((error: unknown) => postToPage({ kind: 'error', id: queued.id, payload: toErrorInfo(error) })),
    );
  };
}
