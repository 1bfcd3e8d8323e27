/// <reference lib="webworker" />
/**
 * The service worker (built by vite-plugin-pwa's injectManifest into dist/sw.js). It precaches only
 * the app shell (HTML, JS, CSS, icons), a few MB. The onnxruntime builds (14 MB plain WASM; for WebGPU
 * 18 MB JSPI, or 29 MB asyncify where the browser has no JSPI) and the embedded models are cached the first time the app uses them: a visitor downloads
 * the runtime of their own backend and the models they open, and everything used once works offline.
 */
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { EMBEDDED_MODELS } from '../models/catalog';
import { EMBEDDED_MODELS_CACHE, EMBEDDED_MODELS_CACHE_PREFIX, RUNTIME_CACHE } from '../core/app-caches';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

/** Both builds' .mjs and .wasm: four files; older versions' are evicted first. */
const RUNTIME_FILES_KEPT = 4;

self.skipWaiting();
clientsClaim();

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/bench\.html/] }));

registerRoute(
  ({ url, sameOrigin }) => sameOrigin && /\/assets\/ort-[^/]+\.(?:wasm|mjs)$/.test(url.pathname),
  new CacheFirst({ cacheName: RUNTIME_CACHE, plugins: [new ExpirationPlugin({ maxEntries: RUNTIME_FILES_KEPT })] }),
);

const embeddedFolders = EMBEDDED_MODELS.map((model) => new URL(model.path, self.registration.scope).href);
registerRoute(({ url }) => embeddedFolders.some((folder) => url.href.startsWith(folder)), new CacheFirst({ cacheName: EMBEDDED_MODELS_CACHE }));

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(EMBEDDED_MODELS_CACHE_PREFIX) && name !== EMBEDDED_MODELS_CACHE) await caches.delete(name);
    }
  })());
});
