/**
 * Counts the bytes a `vite preview` server sends, per path, where they leave the server: the page's
 * fetches, its workers' and the service worker's alike, whichever browser context made them.
 */
import type { Plugin } from 'vite';

/** Response body bytes sent per path, as the server wrote them (after compression, where it compresses). */
export function byteCounter(): { plugin: Plugin; sent: Map<string, number> } {
  const sent = new Map<string, number>();
  const plugin: Plugin = {
    name: 'count-bytes-sent',
    configurePreviewServer(server) {
      server.middlewares.use((request, response, next) => {
        // Node drops what a handler writes in answer to HEAD: nothing is sent.
        if (request.method === 'HEAD') return next();
        const pathname = new URL(request.url ?? '/', 'http://x').pathname;
        const count = (chunk: unknown) => {
          if (chunk && typeof chunk !== 'function') sent.set(pathname, (sent.get(pathname) ?? 0) + Buffer.byteLength(chunk as string | Buffer));
        };
        const { write, end } = response;
        response.write = function (this: typeof response, chunk: unknown, ...rest: unknown[]) {
          count(chunk);
          return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
        } as typeof response.write;
        response.end = function (this: typeof response, chunk?: unknown, ...rest: unknown[]) {
          count(chunk);
          return (end as (...args: unknown[]) => typeof response).call(this, chunk, ...rest);
        } as typeof response.end;
        next();
      });
    },
  };
  return { plugin, sent };
}

