/**
 * What a model would cost before anything large is downloaded: config.json (small) and a HEAD per
 * weights file, reading real sizes from the server (Content-Length, or the Hub's X-Linked-Size).
 */
import { DTYPES, onnxFileForDtype, type Dtype } from './hub';
import type { ModelCache } from './cache';
import { externalDataFiles, isHtmlResponse, looksLikeHtml } from './fetch-model';
import { ModelFormatError, ModelProbeError } from '../core/errors';

export interface DtypeOption {
  dtype: Dtype;
  /** The weights file, e.g. onnx/model_q4.onnx. */
  file: string;
  /** Bytes to download for this dtype (weights + external data); null when the server sent no size. */
  bytes: number | null;
  /** Every weights file of this dtype is in the browser's cache already. */
  cached: boolean;
}

export interface ModelProbe {
  folderUrl: string;
  config: Record<string, unknown>;
  dtypes: DtypeOption[];
}

async function headSize(url: string): Promise<{ exists: boolean; bytes: number | null; html?: boolean }> {
  const response = await fetch(url, { method: 'HEAD' });
  if (response.status === 404 || response.status === 410) return { exists: false, bytes: null };
  // A web page in place of weights (a single-page app's fallback, a login wall) is no weights file.
  if (response.ok && isHtmlResponse(response)) return { exists: false, bytes: null, html: true };
  if (!response.ok) throw new ModelProbeError({ kind: 'http-status', url, status: response.status, statusText: response.statusText });
  const size = response.headers.get('x-linked-size') ?? response.headers.get('content-length');
  return { exists: true, bytes: size !== null ? Number(size) : null };
}

export async function probeModel(folderUrl: string, cache: ModelCache | null): Promise<ModelProbe> {
  let config: Record<string, unknown>;
  try {
    const response = await fetch(new URL('config.json', folderUrl));
    if (response.status === 404) throw new ModelProbeError({ kind: 'no-model', folderUrl });
    if (!response.ok) throw new ModelProbeError({ kind: 'http-status', url: `${folderUrl}config.json`, status: response.status, statusText: response.statusText });
    if (isHtmlResponse(response)) throw new ModelProbeError({ kind: 'html-page', url: response.url || `${folderUrl}config.json`, file: 'config.json' });
    const text = await response.text();
    try {
      config = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      // The server answered: not an offline problem, but a broken (or not a JSON) file.
      throw looksLikeHtml(new TextEncoder().encode(text))
        ? new ModelProbeError({ kind: 'html-page', url: `${folderUrl}config.json`, file: 'config.json' })
        : new ModelFormatError('config.json', (error as Error).message);
    }
  } catch (error) {
    if (error instanceof ModelFormatError) throw error;
    if (error instanceof ModelProbeError) throw error;
    // Offline: a cached model can still be described from its cached config.
    const cached = cache ? await cache.read(new URL('config.json', folderUrl).href) : null;
    if (cached?.status !== 'hit') {
      const host = new URL(folderUrl).host;
      throw new ModelProbeError(globalThis.navigator?.onLine === false ? { kind: 'browser-offline', host } : { kind: 'offline-uncached', host, cause: (error as Error).message });
    }
    config = JSON.parse(new TextDecoder().decode(cached.data)) as Record<string, unknown>;
  }
  const dtypes: DtypeOption[] = [];
  let htmlWeights: string | null = null;
  for (const dtype of DTYPES) {
    const file = onnxFileForDtype(dtype);
    const files = [file, ...externalDataFiles(config, file)];
    const urls = files.map((f) => new URL(f, folderUrl).href);
    const cachedSizes = cache ? await Promise.all(urls.map((u) => cache.storedBytes(u))) : urls.map(() => null);
    if (cachedSizes.every((b) => b !== null)) {
      dtypes.push({ dtype, file, bytes: cachedSizes.reduce<number>((a, b) => a + (b ?? 0), 0), cached: true });
      continue;
    }
    try {
      const heads = await Promise.all(urls.map(headSize));
      if (heads[0].html) htmlWeights ??= file;
      if (!heads[0].exists) continue;
      const bytes = heads.every((h) => h.bytes !== null) ? heads.reduce((a, h) => a + (h.bytes ?? 0), 0) : null;
      dtypes.push({ dtype, file, bytes, cached: false });
    } catch {
      // Unreachable (offline) and not cached: this dtype cannot be offered.
    }
  }
  if (!dtypes.length && htmlWeights) throw new ModelProbeError({ kind: 'html-page', url: new URL(htmlWeights, folderUrl).href, file: htmlWeights });
  if (!dtypes.length) throw new ModelProbeError({ kind: 'no-weights', folderUrl });
  return { folderUrl, config, dtypes };
}
