/**
 * The part of a file downloaded so far, saved in pieces as it arrives, so a cancelled or
 * interrupted download (even a closed tab) continues with a range request instead of starting over.
 * Pieces are separate Cache Storage entries: appending never rewrites what is already saved.
 */
import { openCacheStorage } from '../core/safe-cache-storage';

const PARTIAL_CACHE_NAME = 'tl-partials-v1';
// Cache keys must be http(s) URLs; this host can never be fetched.
const KEY_ORIGIN = 'https://tl-partial.invalid/';

interface PartialMeta {
  /** Validator of the file the pieces came from; a range is only valid for the same file. */
  etag: string;
  total: number;
  /** [offset, length] of each saved piece, in order. */
  pieces: [number, number][];
}

export interface Partial {
  prefix: Uint8Array;
  etag: string;
  total: number;
}

const key = (url: string, part: string) => `${KEY_ORIGIN}${encodeURIComponent(url)}/${part}`;

export class PartialStore {
  private constructor(private readonly cache: Cache) {}

  static async open(): Promise<PartialStore | null> {
    const cache = await openCacheStorage(PARTIAL_CACHE_NAME);
    return cache && new PartialStore(cache);
  }

  private async meta(url: string): Promise<PartialMeta | null> {
    const response = await this.cache.match(key(url, 'meta'));
    return response ? ((await response.json()) as PartialMeta) : null;
  }

  /** The contiguous bytes saved from the start of the file, or null when there are none. */
  async load(url: string): Promise<Partial | null> {
    const meta = await this.meta(url);
    if (!meta || !meta.pieces.length) return null;
    const pieces: Uint8Array[] = [];
    let length = 0;
    for (const [offset, size] of meta.pieces) {
      const response = await this.cache.match(key(url, String(offset)));
      if (!response || offset !== length) break;
      const data = new Uint8Array(await response.arrayBuffer());
      if (data.length !== size) break;
      pieces.push(data);
      length += size;
    }
    if (!length) return null;
    const prefix = new Uint8Array(length);
    let at = 0;
    for (const piece of pieces) {
      prefix.set(piece, at);
      at += piece.length;
    }
    return { prefix, etag: meta.etag, total: meta.total };
  }

  async append(url: string, offset: number, data: Uint8Array, etag: string, total: number): Promise<void> {
    const meta = (await this.meta(url)) ?? { etag, total, pieces: [] };
    if (meta.etag !== etag || meta.total !== total) {
      await this.clear(url);
      meta.etag = etag;
      meta.total = total;
      meta.pieces = [];
    }
    await this.cache.put(key(url, String(offset)), new Response(data as Uint8Array<ArrayBuffer>));
    meta.pieces.push([offset, data.length]);
    await this.cache.put(key(url, 'meta'), new Response(JSON.stringify(meta)));
  }

  async clear(url: string): Promise<void> {
    const prefix = key(url, '');
    for (const request of await this.cache.keys()) {
      if (request.url.startsWith(prefix)) await this.cache.delete(request);
    }
  }
}
