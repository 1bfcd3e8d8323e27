/**
 * Stands in for a Web Worker in unit tests of the page's clients: records what the page posts (as a
 * structured clone, like a real worker boundary, so an uncloneable payload throws) and lets the test
 * reply, crash it, or garble a message.
 */
export class FakeWorker<Req = unknown, Ev = unknown> {
  readonly posted: Req[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<Ev>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;

  postMessage(message: Req): void {
    this.posted.push(structuredClone(message));
  }

  terminate(): void {
    this.terminated = true;
  }

  reply(event: Ev): void {
    this.onmessage?.({ data: structuredClone(event) } as MessageEvent<Ev>);
  }

  /** The worker died of an uncaught error, as the page sees it. */
  crash(message: string): void {
    this.onerror?.({ message } as ErrorEvent);
  }

  /** A message from the worker could not be deserialized. */
  garble(): void {
    this.onmessageerror?.({} as MessageEvent);
  }

  last(): Req {
    return this.posted[this.posted.length - 1];
  }

  /** Handlers still attached: a worker the page let go of must have none. */
  listeners(): number {
    return [this.onmessage, this.onerror, this.onmessageerror].filter(Boolean).length;
  }
}

/** A factory for a client's constructor, and every worker it started, in order. */
export function fakeWorkers<Req, Ev>(): { create: () => Worker; workers: FakeWorker<Req, Ev>[] } {
  const workers: FakeWorker<Req, Ev>[] = [];
  return {
    workers,
    create: () => {
      const worker = new FakeWorker<Req, Ev>();
      workers.push(worker);
      return worker as unknown as Worker;
    },
  };
}
