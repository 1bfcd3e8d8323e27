/**
 * The `ModelSource` the engine workers get: downloads with progress, kept in Cache Storage for offline
 * use and resumed after an interruption, except for the app's own (embedded) models, which the
 * service worker versions: caching them here by URL would keep old weights after an update.
 */
import type { ModelSource } from '../core/model-files';
import { ModelCache } from './cache';
import { PartialStore } from './partial-download';
import { fetchModelFiles } from './fetch-model';

function isSameOrigin(folderUrl: string): boolean {
  return new URL(folderUrl).origin === globalThis.location?.origin;
}

export function browserModelSource(): ModelSource {
  return {
    async fetch(folderUrl, onProgress, options = {}) {
      const cache = isSameOrigin(folderUrl) ? null : await ModelCache.open();
      const partials = cache ? await PartialStore.open() : null;
      return fetchModelFiles(folderUrl, onProgress, { ...options, cache, partials });
    },
    async forget(folderUrl) {
      if (isSameOrigin(folderUrl)) return;
      await (await ModelCache.open())?.deleteModel(folderUrl);
    },
  };
}
