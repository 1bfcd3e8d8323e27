/**
 * Whether a model named by the page's URL may load at once, or must wait for the user: a shared
 * link never starts a large download by itself. Cached models and the embedded ones load at once.
 */
import { EMBEDDED_MODELS } from './catalog';
import { isHubId } from './hub';
import type { ModelCache } from './cache';

/** Downloads above this wait for a click even from a plain folder URL. */
export const LARGE_DOWNLOAD_BYTES = 50 * 1024 ** 2;
const DTYPE_KEY = 'tl.onnx-file';

/** The weights file the user last chose for a folder, so a reload loads the same (cached) dtype. */
export function rememberedOnnxFile(folderUrl: string): string | undefined {
  try {
    const map = JSON.parse(globalThis.localStorage?.getItem(DTYPE_KEY) ?? '{}') as Record<string, string>;
    return map[folderUrl];
  } catch {
    return undefined;
  }
}

export function rememberOnnxFile(folderUrl: string, onnxFile: string): void {
  try {
    const map = JSON.parse(globalThis.localStorage?.getItem(DTYPE_KEY) ?? '{}') as Record<string, string>;
    map[folderUrl] = onnxFile;
    globalThis.localStorage?.setItem(DTYPE_KEY, JSON.stringify(map));
  } catch {
    // Without storage the default dtype is used next time; nothing else is lost.
  }
}

export async function needsConfirmation(param: string | null, folderUrl: string, cache: ModelCache | null): Promise<boolean> {
  const value = param?.trim();
  if (!value || EMBEDDED_MODELS.some((m) => m.id === value)) return false;
  const onnxFile = rememberedOnnxFile(folderUrl) ?? 'onnx/model.onnx';
  // `?model=https://host/my-model` names a folder: without the slash, URL resolution would drop "my-model".
  const folder = folderUrl.endsWith('/') ? folderUrl : `${folderUrl}/`;
  if (cache && (await cache.storedBytes(new URL(onnxFile, folder).href)) !== null) return false;
  if (isHubId(value)) return true;
  // A folder URL: ask only when the weights are large; an unreachable one loads and reports why.
  try {
    const head = await fetch(new URL(onnxFile, folder), { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    const size = Number(head.headers.get('x-linked-size') ?? head.headers.get('content-length'));
    return head.ok && size > LARGE_DOWNLOAD_BYTES;
  } catch {
    return false;
  }
}
