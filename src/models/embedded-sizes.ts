/**
 * Sizes of the embedded models' files, known at build time (vite.config.ts), so loading one sizes its
 * download without a HEAD request per file, and whether the service worker already keeps a file.
 */

/** Bytes per file, keyed by its path in the built app (`models/tl-gpt/onnx/model.onnx`); absent outside a Vite build. */
declare const __EMBEDDED_FILE_BYTES__: Record<string, number> | undefined;

const sizes = typeof __EMBEDDED_FILE_BYTES__ === 'undefined' ? null : __EMBEDDED_FILE_BYTES__;

/**
 * Bytes of a file of an embedded model served by this app: its size, 0 for a file its folder does not
 * ship, or undefined for any other address.
 */
export function embeddedFileBytes(url: string): number | undefined {
  if (!sizes || new URL(url).origin !== globalThis.location?.origin) return undefined;
  const path = new URL(url).pathname;
  const folder = /\/(models\/tl-[^/]+)\//.exec(path)?.[1];
  if (!folder || !Object.keys(sizes).some((key) => key.startsWith(`${folder}/`))) return undefined;
  const key = path.slice(path.lastIndexOf(`${folder}/`));
  return sizes[key] ?? 0;
}

/** The browser already keeps this address (the service worker's cache): fetching it moves nothing over the network. */
export async function isInBrowserCache(url: string): Promise<boolean> {
  try {
    return (await globalThis.caches?.match(url)) !== undefined;
  } catch {
    return false; // storage refused: it will be a download
  }
}
