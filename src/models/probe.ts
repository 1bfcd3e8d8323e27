/**
 * What a model would cost before anything large is downloaded: config.json (small) and a HEAD per
 * weights file, reading real sizes from the server (Content-Length, or the Hub's X-Linked-Size).
 */
import { DTYPES, onnxFileForDtype, type Dtype } from './hub';
import type { ModelCache } from './cache';
import { externalDataFiles } from './fetch-model';
import { ModelProbeError } from '../core/errors';

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

async function headSize(url: string): Promise<{ exists: boolean; bytes: number | null }> {
  const response = await fetch(url, { method: 'HEAD' });
  if (response.status === 404 || response.status === 410) return { exists: false, bytes: null };
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
    config = (await response.json()) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ModelProbeError) throw error;
    // Offline: a cached model can still be described from its cached config.
    const cached = cache ? await cache.read(new URL('config.json', folderUrl).href) : null;
    if (cached?.status !== 'hit') throw new ModelProbeError({ kind: 'offline-uncached', host: new URL(folderUrl).host, cause: (error as Error).message });
    config = JSON.parse(new TextDecoder().decode(cached.data)) as Record<string, unknown>;
  }
  const dtypes: DtypeOption[] = [];
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
      if (!heads[0].exists) continue;
      const bytes = heads.every((h) => h.bytes !== null) ? heads.reduce((a, h) => a + (h.bytes ?? 0), 0) : null;
      dtypes.push({ dtype, file, bytes, cached: false });
    } catch {
      // Unreachable (offline) and not cached: this dtype cannot be offered.
    }
  }
  if (!dtypes.length) throw new ModelProbeError({ kind: 'no-weights', folderUrl });
  return { folderUrl, config, dtypes };
}
