/**
 * Whether a model named by the page's URL may load at once, or must wait for the user: a shared
 * link never starts a large download by itself. Cached models and the embedded ones load at once.
 */
import { EMBEDDED_MODELS } from './catalog';
import { isHubId } from './hub';
import type { ModelCache } from './cache';
import { readJsonSetting, writeSetting } from '../core/safe-storage';

/** Downloads above this wait for a click even from a plain folder URL. */
export const LARGE_DOWNLOAD_BYTES = 50 * 1024 ** 2;
const DTYPE_KEY = 'tl.onnx-file';

/** The weights file the user last chose for a folder, so a reload loads the same (cached) dtype. */
export function rememberedOnnxFile(folderUrl: string): string | undefined {
  const file = readJsonSetting<Record<string, unknown>>(DTYPE_KEY, {})[folderUrl];
  return typeof file === 'string' ? file : undefined;
}

/** Without storage the default dtype is used next time; nothing else is lost. */
export function rememberOnnxFile(folderUrl: string, onnxFile: string): void {
  writeSetting(DTYPE_KEY, JSON.stringify({ ...readJsonSetting<Record<string, unknown>>(DTYPE_KEY, {}), [folderUrl]: onnxFile }));
}

export async function needsConfirmation(param: string | null, folderUrl: string, cache: ModelCache | null): Promise<boolean> {
  const value = param?.trim();
  if (!value || EMBEDDED_MODELS.some((m) => m.id === value)) return false;
  const onnxFile = rememberedOnnxFile(folderUrl) ?? 'onnx/model.onnx';
  // Relative folders resolve against the page, as the engine does; an address that is no URL at
  // all (javascript:, data:, "http://[") loads at once, and the load names what is wrong with it.
  let onnxUrl: string;
  try {
    const folder = new URL(folderUrl, globalThis.location?.href);
    // `?model=https://host/my-model` names a folder: without the slash, URL resolution would drop "my-model".
    if (!folder.pathname.endsWith('/')) folder.pathname += '/';
    onnxUrl = new URL(onnxFile, folder).href;
  } catch {
    return false;
  }
  if (!/^https?:/.test(onnxUrl)) return false;
  if (cache && (await cache.storedBytes(onnxUrl)) !== null) return false;
  if (isHubId(value)) return true;
  // A folder URL: ask only when the weights are large; an unreachable one loads and reports why.
  try {
    const head = await fetch(onnxUrl, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    const size = Number(head.headers.get('x-linked-size') ?? head.headers.get('content-length'));
    return head.ok && size > LARGE_DOWNLOAD_BYTES;
  } catch {
    return false;
  }
}
