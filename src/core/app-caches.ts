/**
 * The Cache Storage buckets that hold the app's own files: the service worker fills them as it serves
 * the files, and the workers fill the same ones when they fetch a file before any service worker
 * controls them (a first visit), so one copy serves every worker and every later visit.
 */

/** A hash of the embedded model files, set by vite.config.ts: new weights get a new cache. */
declare const __EMBEDDED_MODELS_VERSION__: string | undefined;

/** Prefix of the embedded models' caches, one per version of their files. */
export const EMBEDDED_MODELS_CACHE_PREFIX = 'tl-embedded-models-';

/** The embedded models' cache for this build's version of their files. */
export const EMBEDDED_MODELS_CACHE = `${EMBEDDED_MODELS_CACHE_PREFIX}${typeof __EMBEDDED_MODELS_VERSION__ === 'undefined' ? 'dev' : __EMBEDDED_MODELS_VERSION__}`;

/** onnxruntime's files carry a content hash in their names, so one cache serves every version. */
export const RUNTIME_CACHE = 'tl-onnxruntime';
