/**
 * Cache Storage, never trusted: `caches` is missing on insecure origins and in some private modes,
 * and any call can reject (quota, a profile being torn down). Model files go through here, so a
 * refusal means "not kept offline", never a failed load.
 */

/** A named Cache Storage bucket, or null where the browser offers none or refuses to open it. */
export async function openCacheStorage(name: string): Promise<Cache | null> {
  try {
    if (typeof caches === 'undefined') return null;
    return await caches.open(name);
  } catch {
    return null;
  }
}

/** The result of a Cache Storage call, or `fallback` when it throws or rejects. */
export async function cacheCall<T>(call: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await call();
  } catch {
    return fallback;
  }
}
