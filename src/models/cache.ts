/**
 * The browser's copy of downloaded model files, in Cache Storage (usable from the worker and the
 * page alike). Each entry records its size and, where the server gave one, its SHA-256, so a
 * truncated or corrupted copy is noticed on read and fetched again instead of breaking the model.
 */
import type { CorruptCopy } from '../core/protocol';
import { cacheCall, openCacheStorage } from '../core/safe-cache-storage';

export const MODEL_CACHE_NAME = 'tl-models-v1';

const H_MODEL = 'x-tl-model';
const H_FILE = 'x-tl-file';
const H_BYTES = 'x-tl-bytes';
const H_SHA = 'x-tl-sha256';
const H_STORED = 'x-tl-stored-at';
const H_MISSING = 'x-tl-missing';

export interface CachedModel {
  /** Folder URL the files came from. */
  folderUrl: string;
  files: { file: string; bytes: number }[];
  totalBytes: number;
  storedAt: number;
}

export type CacheRead =
  | { status: 'hit'; data: Uint8Array }
  | { status: 'miss' }
  /** The server said this optional file does not exist. */
  | { status: 'missing' }
  /** The stored copy does not match what was stored: it has been deleted. */
  | { status: 'corrupt'; reason: CorruptCopy };

export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The Hub's ETag of an LFS file is its SHA-256; other ETags are not content hashes. */
export function sha256FromHeaders(headers: Headers): string | null {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
    if (value && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return null;
}


export function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'QuotaExceededError' || /quota/i.test(error.message));
}

export class ModelCache {
  private constructor(private readonly cache: Cache) {}

  /** null where the browser offers no Cache Storage (insecure origins, some private modes). */
  static async open(): Promise<ModelCache | null> {
    const cache = await openCacheStorage(MODEL_CACHE_NAME);
    return cache && new ModelCache(cache);
  }

  /** A cache that refuses to be read is a miss: the file is downloaded instead. */
  async read(url: string): Promise<CacheRead> {
    const response = await cacheCall(() => this.cache.match(url), undefined);
    if (!response) return { status: 'miss' };
    if (response.headers.get(H_MISSING)) return { status: 'missing' };
    const expectedBytes = Number(response.headers.get(H_BYTES));
    const expectedSha = response.headers.get(H_SHA);
    let data: Uint8Array;
    try {
      data = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      await cacheCall(() => this.cache.delete(url), false);
      return { status: 'corrupt', reason: { kind: 'unreadable', cause: (error as Error).message } };
    }
    let reason: CorruptCopy | null = null;
    if (data.length !== expectedBytes) reason = { kind: 'size', actual: data.length, expected: expectedBytes };
    else if (expectedSha && (await sha256Hex(data)) !== expectedSha) reason = { kind: 'sha256' };
    if (reason) {
      await cacheCall(() => this.cache.delete(url), false);
      return { status: 'corrupt', reason };
    }
    return { status: 'hit', data };
  }

  /** Throws the browser's QuotaExceededError when storage is full (see `isQuotaError`): the caller reports it. */
  async write(url: string, folderUrl: string, file: string, data: Uint8Array, sha256: string | null): Promise<void> {
    const headers = new Headers({
      'content-type': 'application/octet-stream',
      [H_MODEL]: folderUrl,
      [H_FILE]: file,
      [H_BYTES]: String(data.length),
      [H_STORED]: String(Date.now()),
    });
    if (sha256) headers.set(H_SHA, sha256);
    await this.cache.put(url, new Response(data as Uint8Array<ArrayBuffer>, { headers }));
  }

  async writeMissing(url: string, folderUrl: string, file: string): Promise<void> {
    const headers = new Headers({ [H_MODEL]: folderUrl, [H_FILE]: file, [H_BYTES]: '0', [H_MISSING]: '1', [H_STORED]: String(Date.now()) });
    await this.cache.put(url, new Response(null, { headers }));
  }

  /** The size recorded for a cached file, without reading it; null when it is not cached. */
  async storedBytes(url: string): Promise<number | null> {
    const response = await cacheCall(() => this.cache.match(url), undefined);
    return response ? Number(response.headers.get(H_BYTES)) || 0 : null;
  }

  async list(): Promise<CachedModel[]> {
    const models = new Map<string, CachedModel>();
    for (const request of await cacheCall(() => this.cache.keys(), [] as readonly Request[])) {
      const response = await cacheCall(() => this.cache.match(request), undefined);
      if (!response) continue;
      const folderUrl = response.headers.get(H_MODEL) ?? new URL('./', request.url).href;
      const bytes = Number(response.headers.get(H_BYTES)) || 0;
      const model = models.get(folderUrl) ?? { folderUrl, files: [], totalBytes: 0, storedAt: 0 };
      if (response.headers.get(H_MISSING)) continue;
      models.set(folderUrl, model);
      model.files.push({ file: response.headers.get(H_FILE) ?? request.url, bytes });
      model.totalBytes += bytes;
      model.storedAt = Math.max(model.storedAt, Number(response.headers.get(H_STORED)) || 0);
      models.set(folderUrl, model);
    }
    return [...models.values()].sort((a, b) => b.storedAt - a.storedAt);
  }

  async deleteModel(folderUrl: string): Promise<number> {
    let deleted = 0;
    for (const request of await cacheCall(() => this.cache.keys(), [] as readonly Request[])) {
      const response = await cacheCall(() => this.cache.match(request), undefined);
      if (response?.headers.get(H_MODEL) === folderUrl && (await cacheCall(() => this.cache.delete(request), false))) deleted++;
    }
    return deleted;
  }
}
