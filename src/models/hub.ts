/**
 * Hugging Face Hub addressing: `owner/name` ids become folder URLs of the form
 * `<hub>/<owner>/<name>/resolve/main/`, which the downloader reads like any model folder.
 * The Hub's base URL is configurable (`?hub=`), so tests and mirrors never touch huggingface.co.
 */

import { browserStorage, readSetting, writeSetting, type KeyValueStore } from '../core/safe-storage';

export const DEFAULT_HUB_URL = 'https://huggingface.co';
const HUB_STORAGE_KEY = 'tl.hub';

// owner/name as the Hub spells them; "models/..." is kept for the app's own embedded folders.
const HUB_ID = /^(?!models\/)[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;

/** True for `owner/name`: no scheme, no leading dot or slash, no trailing slash. */
export function isHubId(value: string): boolean {
  return HUB_ID.test(value.trim());
}

function validHubUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim());
    if (!/^https?:$/.test(url.protocol)) return null;
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/**
 * The Hub to download from: `?hub=` when the page was opened with one (remembered, because the app
 * rewrites its URL), else the remembered one, else huggingface.co.
 */
export function hubBaseUrl(search: string = globalThis.location?.search ?? '', storage: KeyValueStore | null = browserStorage()): string {
  const fromUrl = validHubUrl(new URLSearchParams(search).get('hub'));
  if (fromUrl) {
    // Called while rendering: a full or refusing storage only costs the memory of the choice.
    writeSetting(HUB_STORAGE_KEY, fromUrl, storage);
    return fromUrl;
  }
  return validHubUrl(readSetting(HUB_STORAGE_KEY, storage)) ?? DEFAULT_HUB_URL;
}

/** The folder URL of a Hub model at a revision. */
export function hubFolderUrl(id: string, hub: string = hubBaseUrl(), revision = 'main'): string {
  const [owner, name] = id.trim().split('/');
  return `${hub}/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/resolve/${encodeURIComponent(revision)}/`;
}

/** The Hub id back from a `<hub>/<owner>/<name>/resolve/<rev>/` folder URL, or null for other URLs. */
export function hubIdFromFolderUrl(folderUrl: string): string | null {
  const match = /\/([^/]+)\/([^/]+)\/resolve\/[^/]+\/$/.exec(new URL(folderUrl).pathname);
  return match ? `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}` : null;
}

/** The weights dtypes of the transformers.js ONNX layout, each one file `onnx/model<suffix>.onnx`. */
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'bnb4' | 'q4f16';
export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'bnb4', 'q4f16'];

const FILE_SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized', // transformers.js names its default 8-bit export "quantized"
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  bnb4: '_bnb4',
  q4f16: '_q4f16',
};

export function onnxFileForDtype(dtype: Dtype): string {
  return `onnx/model${FILE_SUFFIX[dtype]}.onnx`;
}
