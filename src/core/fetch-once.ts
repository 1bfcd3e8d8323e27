/**
 * One network request per file, however many workers need it at once: the chat's engine worker and
 * the lesson's analysis worker both open tl-gpt and the runtime when the Architecture tab opens, and
 * each used to fetch every file itself. A Web Lock per address lets one worker fetch while the others
 * wait; it keeps the response in Cache Storage (the bucket the service worker serves that file from)
 * before it lets go, and the others then read that copy instead of the network.
 *
 * Nothing here may fail a load: where the browser has no locks or refuses storage, each worker simply
 * fetches the file itself, as before.
 */
import { cacheCall, openCacheStorage } from './safe-cache-storage';

/** A response and where it came from. */
export interface FetchedOnce {
  response: Response;
  /** It was read from the copy in Cache Storage: nothing moved over the network. */
  fromCache: boolean;
}

interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<void>;
}

function lockManager(): LockManagerLike | null {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks && typeof locks.request === 'function' ? locks : null;
}

/**
 * Waits for the lock named `name` and resolves with the function that lets it go (the lock is held
 * past this call, until the response is stored).
 */
function acquire(locks: LockManagerLike, name: string, signal: AbortSignal | undefined): Promise<() => void> {
  return new Promise((resolveAcquired, rejectAcquired) => {
    locks
      .request(name, signal ? { signal } : {}, () => new Promise<void>((release) => resolveAcquired(release)))
      .catch(rejectAcquired);
  });
}

/**
 * GETs `url` unless `cacheName` already holds it; a fresh response is stored there for the next
 * reader. Only whole, successful answers are kept (never a 404, a partial range or an HTML fallback page).
 */
export async function fetchOnce(address: string, cacheName: string, init: { signal?: AbortSignal; keep?: (response: Response) => boolean } = {}): Promise<FetchedOnce> {
  // One spelling per file, so every worker waits on the same lock and finds the same entry.
  const url = new URL(address, globalThis.location?.href).href;
  const locks = lockManager();
  let release: () => void = () => undefined;
  if (locks) {
    try {
      release = await acquire(locks, `tl-fetch-once ${url}`, init.signal);
    } catch (error) {
      // A cancelled load stops waiting at once; with no lock to be had otherwise, fetch without one.
      if (init.signal?.aborted) throw error;
    }
  }
  try {
    const cache = await openCacheStorage(cacheName);
    const kept = cache ? await cacheCall(() => cache.match(url), undefined) : undefined;
    if (kept) {
      release();
      return { response: kept, fromCache: true };
    }
    const response = await fetch(url, { signal: init.signal });
    const worthKeeping = response.ok && response.status === 200 && (init.keep?.(response) ?? true);
    if (!cache || !worthKeeping) {
      release();
      return { response, fromCache: false };
    }
    // The copy reads its own branch of the body, so the caller streams the original with progress meanwhile.
    void cacheCall(() => cache.put(url, response.clone()), undefined).finally(release);
    return { response, fromCache: false };
  } catch (error) {
    release();
    throw error;
  }
}
