/**
 * `navigator.storage` (quota, persistence; the origin-private file system lives behind it too),
 * never trusted: it is missing on insecure origins and its calls can reject. Each helper answers
 * null when the browser will not say, so the Models tab shows what it can and a note for the rest.
 */

function manager(): StorageManager | null {
  try {
    return globalThis.navigator?.storage ?? null;
  } catch {
    return null;
  }
}

/** Bytes used and allowed for this site, or null when the browser will not tell. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  try {
    const estimate = await manager()?.estimate?.();
    return estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null;
  } catch {
    return null;
  }
}

/** Whether the site's storage is persistent; null when unknown. */
export async function storagePersisted(): Promise<boolean | null> {
  try {
    return (await manager()?.persisted?.()) ?? null;
  } catch {
    return null;
  }
}

/** Asks the browser to keep the site's storage; null when it cannot be asked (or refused to answer). */
export async function requestPersistentStorage(): Promise<boolean | null> {
  try {
    return (await manager()?.persist?.()) ?? null;
  } catch {
    return null;
  }
}
