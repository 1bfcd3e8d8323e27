/**
 * Serves the bundle's model folders on the loopback interface, so both engines read them the way the
 * app does (our `fetchModelFiles`, transformers.js's remote host), with no network and nothing cached.
 */
import { createServer, type Server } from 'node:http';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';

export interface ModelServer {
  /** `http://127.0.0.1:<port>/`, ending in a slash. */
  baseUrl: string;
  close(): Promise<void>;
}

/** The file's facts, or undefined where there is no such file (`a.json/b` too, which stat refuses with ENOTDIR). */
function fileSize(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

export async function serveModels(folder: string): Promise<ModelServer> {
  const root = resolve(folder);
  const server: Server = createServer((request, response) => {
    if (process.env.GPU_BENCH_DEBUG) console.error(request.method, request.url);
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const file = resolve(root, `.${path}`);
    // Only files inside the folder: `..` never leaves it.
    const size = file.startsWith(root + sep) ? fileSize(file) : undefined;
    if (!size?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-length': size.size, 'content-type': 'application/octet-stream' });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the model server has no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise((done) => {
      server.close(() => done());
      // fetch keeps connections alive; close() alone would wait for them.
      server.closeAllConnections();
    }),
  };
}
