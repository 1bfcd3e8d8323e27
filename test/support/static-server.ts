/**
 * A small static file server for tests: serves folders under URL prefixes on 127.0.0.1 with the
 * headers a cross-origin-isolated app needs (CORS + CORP), and byte ranges like the Hugging Face Hub.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.md': 'text/markdown; charset=utf-8',
};

/** `mounts` maps a URL prefix (e.g. "/shared/") to a folder on disk. */
export async function startStaticServer(mounts: Record<string, string>): Promise<StaticServer> {
  const server = createServer((request, response) => {
    void serve(mounts, request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error.message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function serve(mounts: Record<string, string>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.setHeader('Access-Control-Allow-Origin', '*');
  response.setHeader('Access-Control-Allow-Headers', 'Range');
  response.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges, ETag');
  response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  if (request.method === 'OPTIONS') {
    response.writeHead(204).end();
    return;
  }
  const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
  const prefix = Object.keys(mounts).find((p) => urlPath.startsWith(p));
  const root = prefix ? path.resolve(mounts[prefix]) : null;
  const file = root ? path.resolve(root, urlPath.slice(prefix!.length)) : null;
  const stat = file && file.startsWith(root!) ? await fs.stat(file).catch(() => null) : null;
  if (!file || !stat?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  response.setHeader('Accept-Ranges', 'bytes');
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
  if (range) {
    const start = range[1] ? Number(range[1]) : Math.max(0, stat.size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), stat.size - 1) : stat.size - 1;
    if (start > end || start >= stat.size) {
      response.writeHead(416, { 'Content-Range': `bytes */${stat.size}` }).end();
      return;
    }
    response.writeHead(206, { 'Content-Type': type, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${stat.size}` });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file, { start, end }).pipe(response);
    return;
  }
  response.writeHead(200, { 'Content-Type': type, 'Content-Length': stat.size });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}
