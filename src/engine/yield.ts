/**
 * Lets a worker's queued messages (abort, cancel) run between generation steps. setTimeout(0) is
 * clamped to 4 ms after a few nestings; a MessageChannel round trip is not. Yielding at most once
 * per `minIntervalMs` keeps the cost out of the measured loop.
 */
export function createEventYielder(minIntervalMs: number): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  let lastYield = 0;
  return () => {
    const now = performance.now();
    if (now - lastYield < minIntervalMs) return Promise.resolve();
    lastYield = now;
    return new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  };
}
