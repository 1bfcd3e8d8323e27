/**
 * A local stand-in for the Hugging Face Hub on 127.0.0.1: answers `/<owner>/<name>/resolve/<rev>/<file>`
 * with the headers the Hub sends (ETag = SHA-256 for weight files, X-Linked-Size, Accept-Ranges,
 * CORS + CORP), honours byte ranges, logs every request, and can slow its responses down so a test
 * can cancel a download half-way. Nothing reaches the real Hub.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

/** How one file misbehaves, for the fault tests; the test may change it between requests. */
export interface FileFault {
  /** Sent instead of the file's own Content-Type (e.g. text/html for a login page). */
  contentType?: string;
  /** Drops the connection after this many bytes of the body, for the next `cutTimes` GETs (default 1). */
  cutAfterBytes?: number;
  cutTimes?: number;
  /** Sends an ETag / X-Linked-Etag SHA-256 that does not match the bytes (damaged in transit). */
  wrongSha256?: boolean;
  /** Size claimed by HEAD in X-Linked-Size and Content-Length, whatever the file holds. */
  claimBytes?: number;
}

export interface HubRepo {
  /** Folder on disk holding the repo's files. */
  dir: string;
  /** Files served instead of (or besides) those on disk, e.g. a tokenizer_config.json with a chat template. */
  overrides?: Record<string, string | Buffer>;
  /** Files that misbehave, by path in the repo. */
  faults?: Record<string, FileFault>;
}

export interface HubRequestLog {
  method: string;
  repo: string;
  file: string;
  range: string | null;
}

export interface HubServer {
  origin: string;
  requests: HubRequestLog[];
  /** Sends bodies of files larger than `minBytes` in `chunkBytes` pieces, `delayMs` apart; null for full speed. */
  setThrottle(throttle: { chunkBytes: number; delayMs: number; minBytes: number } | null): void;
  close(): Promise<void>;
}

const LFS_EXTENSIONS = new Set(['.onnx', '.onnx_data', '.bin', '.safetensors']);

export async function startHubServer(repos: Record<string, HubRepo>, port = 0): Promise<HubServer> {
  const requests: HubRequestLog[] = [];
  let throttle: { chunkBytes: number; delayMs: number; minBytes: number } | null = null;
  const server = createServer((request, response) => {
    void serve(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error.message));
    });
  });

  async function readRepoFile(repo: HubRepo, file: string): Promise<Buffer | null> {
    const override = repo.overrides?.[file];
    if (override !== undefined) return Buffer.from(override);
    const root = path.resolve(repo.dir);
    const full = path.resolve(root, file);
    if (!full.startsWith(root + path.sep)) return null;
    return fs.readFile(full).catch(() => null);
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('Access-Control-Allow-Origin', '*');
    response.setHeader('Access-Control-Allow-Headers', 'Range, If-Range');
    response.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges, ETag, X-Linked-Etag, X-Linked-Size, X-Repo-Commit');
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return;
    }
    const urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const match = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(urlPath);
    const repoId = match?.[1] ?? '';
    const file = match?.[2] ?? '';
    requests.push({ method: request.method ?? 'GET', repo: repoId, file, range: request.headers.range ?? null });
    const repo = repos[repoId];
    const body = repo ? await readRepoFile(repo, file) : null;
    if (!body) {
      // The Hub's answer for a missing file or repo.
      response.writeHead(404, { 'Content-Type': 'text/plain', 'X-Error-Code': repo ? 'EntryNotFound' : 'RepoNotFound' }).end('Entry not found');
      return;
    }
    const fault = repo.faults?.[file];
    const sha256 = fault?.wrongSha256 ? createHash('sha256').update('not these bytes').digest('hex') : createHash('sha256').update(body).digest('hex');
    const isLfs = LFS_EXTENSIONS.has(path.extname(file));
    // LFS files carry their SHA-256 as ETag; small git files a shorter git-style id, as on the Hub.
    const etag = isLfs ? `"${sha256}"` : `"${createHash('sha1').update(body).digest('hex')}"`;
    response.setHeader('ETag', etag);
    response.setHeader('X-Repo-Commit', '0000000000000000000000000000000000000000');
    if (isLfs) {
      response.setHeader('X-Linked-Etag', etag);
      response.setHeader('X-Linked-Size', String(body.length));
    }
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Content-Type', fault?.contentType ?? (file.endsWith('.json') ? 'application/json' : 'application/octet-stream'));
    if (request.method === 'HEAD' && fault?.claimBytes !== undefined) {
      response.writeHead(200, { 'Content-Length': fault.claimBytes, 'X-Linked-Size': fault.claimBytes }).end();
      return;
    }
    let start = 0;
    let end = body.length - 1;
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (range) {
      start = range[1] ? Number(range[1]) : Math.max(0, body.length - Number(range[2]));
      end = range[1] && range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start > end || start >= body.length) {
        response.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      response.writeHead(206, { 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${body.length}` });
    } else {
      response.writeHead(200, { 'Content-Length': body.length });
    }
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const slice = body.subarray(start, end + 1);
    if (fault?.cutAfterBytes !== undefined && (fault.cutTimes ?? 1) > 0 && slice.length > fault.cutAfterBytes) {
      // A connection lost mid-file: part of the body, then the socket closes without the rest.
      fault.cutTimes = (fault.cutTimes ?? 1) - 1;
      response.write(slice.subarray(0, fault.cutAfterBytes));
      await new Promise((resolve) => setTimeout(resolve, 50));
      response.destroy();
      return;
    }
    const slow = throttle && body.length >= throttle.minBytes ? throttle : null;
    if (!slow) {
      response.end(slice);
      return;
    }
    for (let offset = 0; offset < slice.length && !response.destroyed; offset += slow.chunkBytes) {
      response.write(slice.subarray(offset, offset + slow.chunkBytes));
      await new Promise((resolve) => setTimeout(resolve, slow.delayMs));
    }
    response.end();
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requests,
    setThrottle: (value) => {
      throttle = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
