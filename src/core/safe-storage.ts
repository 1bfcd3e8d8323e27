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

/** A store whose keys can be listed and removed: conversations keep one key each. */
export type ListableStore = KeyValueStore & Pick<Storage, 'removeItem' | 'key' | 'length'>;

/** The page's localStorage with listing and removal, or null where touching it throws or it is missing. */
export function pageStorage(): ListableStore | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The tab's sessionStorage (one per tab, kept across its reloads), or null where it throws or is missing. */
export function tabStorage(): ListableStore | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/** False when the key could not be removed (no storage, refusal). */
export function removeSetting(key: string, store: Pick<Storage, 'removeItem'> | null = pageStorage()): boolean {
  if (!store) return false;
  try {
    store.removeItem(key);
    return true;
  } catch {
    return false;
  }
}

/** Every key that starts with `prefix`, or [] where storage refuses to be listed. */
export function keysWithPrefix(prefix: string, store: Pick<Storage, 'key' | 'length'> | null): string[] {
  const keys: string[] = [];
  try {
    for (let i = 0; store && i < store.length; i++) {
      const key = store.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
  } catch {
    // A listing that throws counts as empty: what is on screen stays.
  }
  return keys;
}
