/**
 * localStorage, never trusted: reading it can throw (storage disabled by privacy settings, an opaque
 * origin), writing it can throw (quota full, some private modes). Every setting the app keeps goes
 * through here, so a refusal costs the remembered value, never the page.
 */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/** The page's localStorage, or null where merely touching it throws or it does not exist (workers). */
export function browserStorage(): KeyValueStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The stored value, or null when there is none or storage refuses to be read. */
export function readSetting(key: string, store: KeyValueStore | null = browserStorage()): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** False when the value could not be kept (no storage, quota, refusal): the caller may tell the user. */
export function writeSetting(key: string, value: string, store: KeyValueStore | null = browserStorage()): boolean {
  if (!store) return false;
  try {
    store.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

/** A stored JSON object, or `fallback` when it is missing, unreadable or not an object. */
export function readJsonSetting<T extends object>(key: string, fallback: T, store: KeyValueStore | null = browserStorage()): T {
  const raw = readSetting(key, store);
  if (raw === null) return fallback;
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}
