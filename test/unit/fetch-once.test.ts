/**
 * fetchOnce: two workers asking for the same file at once cost one request; storage that refuses, a
 * failed answer or a browser without locks costs a request each, never a failed fetch.
 * Locks, Cache Storage and fetch are small in-memory stand-ins with the browser's semantics (a lock
 * is granted to one holder at a time, in order; a cache keeps what was put, by URL).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchOnce } from '../../src/core/fetch-once';

/** Web Locks: exclusive, granted in request order, held until the callback's promise settles. */
function fakeLocks() {
  const tails = new Map<string, Promise<void>>();
  return {
    request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<void> {
      const before = tails.get(name) ?? Promise.resolve();
      const held = before.then(() => {
        if (options.signal?.aborted) throw options.signal.reason;
        return callback();
      });
      tails.set(name, held.catch(() => undefined));
      return held;
    },
  };
}

function fakeCaches(refuse = false) {
  const stores = new Map<string, Map<string, Response>>();
  return {
    async open(name: string) {
      if (refuse) throw new DOMException('refused', 'QuotaExceededError');
      if (!stores.has(name)) stores.set(name, new Map());
      const store = stores.get(name)!;
      return {
        async match(url: string) {
          return store.get(url)?.clone();
        },
        async put(url: string, response: Response) {
          // Reads the whole body, as Cache Storage does before the put settles.
          const body = await response.arrayBuffer();
          store.set(url, new Response(body, { status: response.status, headers: response.headers }));
        },
      };
    },
  };
}

const URL_A = 'http://app.test/assets/ort-wasm-simd-threaded-abc.wasm';

function serve(status = 200, body = 'runtime bytes') {
  const requests: string[] = [];
  const fetchStub = vi.fn(async (url: string) => {
    requests.push(url);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return new Response(body, { status });
  });
  vi.stubGlobal('fetch', fetchStub);
  return requests;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('fetchOnce', () => {
  it('answers two readers at once with one request; the second reads the kept copy', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    vi.stubGlobal('caches', fakeCaches());
    const requests = serve();
    const [first, second] = await Promise.all([fetchOnce(URL_A, 'runtime'), fetchOnce(URL_A, 'runtime')]);
    expect(requests).toEqual([URL_A]);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(await first.response.text()).toBe('runtime bytes');
    expect(await second.response.text()).toBe('runtime bytes');
  });

  it('keeps no failed answer: each reader asks again', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    vi.stubGlobal('caches', fakeCaches());
    const requests = serve(404, 'not here');
    const answers = await Promise.all([fetchOnce(URL_A, 'runtime'), fetchOnce(URL_A, 'runtime')]);
    expect(requests).toEqual([URL_A, URL_A]);
    expect(answers.map((a) => a.response.status)).toEqual([404, 404]);
  });

  it('keeps no answer that `keep` refuses (an HTML page where a file was asked for)', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    vi.stubGlobal('caches', fakeCaches());
    const requests = serve(200, '<!doctype html>');
    await fetchOnce(URL_A, 'models', { keep: () => false });
    await fetchOnce(URL_A, 'models', { keep: () => false });
    expect(requests).toEqual([URL_A, URL_A]);
  });

  it('still fetches where storage refuses or the browser has no locks', async () => {
    vi.stubGlobal('navigator', {});
    vi.stubGlobal('caches', fakeCaches(true));
    const requests = serve();
    const answers = await Promise.all([fetchOnce(URL_A, 'runtime'), fetchOnce(URL_A, 'runtime')]);
    expect(requests).toEqual([URL_A, URL_A]);
    expect(await Promise.all(answers.map((a) => a.response.text()))).toEqual(['runtime bytes', 'runtime bytes']);
  });

  it('a cancelled reader stops waiting for the lock and fetches nothing', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    vi.stubGlobal('caches', fakeCaches());
    const requests = serve();
    const controller = new AbortController();
    const first = fetchOnce(URL_A, 'runtime');
    const second = fetchOnce(URL_A, 'runtime', { signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toThrow();
    expect((await first).fromCache).toBe(false);
    expect(requests).toEqual([URL_A]);
  });

  it('lets the next reader go when a fetch fails, and it fetches for itself', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    vi.stubGlobal('caches', fakeCaches());
    let calls = 0;
    vi.stubGlobal('fetch', vi.fn(async () => {
      calls += 1;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return new Response('second try');
    }));
    const [first, second] = await Promise.allSettled([fetchOnce(URL_A, 'runtime'), fetchOnce(URL_A, 'runtime')]);
    expect(first.status).toBe('rejected');
    expect(second.status === 'fulfilled' && (await second.value.response.text())).toBe('second try');
  });
});
