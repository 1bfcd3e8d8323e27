/**
 * Downloads the files of a model folder (Hugging Face / transformers.js ONNX layout) with byte-level
 * progress. No DOM: it runs inside the engine worker.
 */
import { ModelFetchError, ModelFileMissingError, ModelFormatError, ModelUrlError } from '../engine/errors';

export interface ModelFiles {
  folderUrl: string;
  config: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
  tokenizerJson: object;
  tokenizerConfig: Record<string, unknown>;
  onnx: Uint8Array;
  /** External weights (`model.onnx_data`), when the export keeps them apart. */
  externalData: { path: string; data: Uint8Array }[];
  totalBytes: number;
}

export type ProgressCallback = (file: string, loadedBytes: number, totalBytes: number | null, overallLoadedBytes: number) => void;

/** Resolves a folder address against the page and makes sure it ends in a slash. */
export function resolveFolderUrl(url: string, base: string): string {
  const trimmed = url.trim();
  let resolved: URL;
  try {
    resolved = new URL(trimmed, base);
  } catch {
    throw new ModelUrlError(url);
  }
  if (!trimmed || !/^https?:$/.test(resolved.protocol)) throw new ModelUrlError(url);
  if (!resolved.pathname.endsWith('/')) resolved.pathname += '/';
  return resolved.href;
}

/** The folder's last path segment, e.g. "stories260k" for ".../stories260k/". */
export function modelNameFromUrl(folderUrl: string): string {
  const parts = new URL(folderUrl).pathname.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] ?? folderUrl);
}

class Downloader {
  overall = 0;
  constructor(
    private readonly folderUrl: string,
    private readonly onProgress: ProgressCallback,
    private readonly signal?: AbortSignal,
  ) {}

  /** null when the file is optional and the server says it does not exist. */
  async bytes(file: string, optional = false): Promise<Uint8Array | null> {
    const url = new URL(file, this.folderUrl).href;
    let response: Response;
    try {
      response = await fetch(url, { signal: this.signal });
    } catch (error) {
      if (this.signal?.aborted) throw error;
      throw new ModelFetchError(url, `the server could not be reached (${(error as Error).message})`);
    }
    if (response.status === 404 || response.status === 410) {
      if (optional) return null;
      throw new ModelFileMissingError(file, this.folderUrl);
    }
    if (!response.ok) throw new ModelFetchError(url, `the server answered ${response.status} ${response.statusText}`);
    const lengthHeader = response.headers.get('content-length');
    const total = lengthHeader && !response.headers.get('content-encoding') ? Number(lengthHeader) : null;
    if (!response.body) {
      const data = new Uint8Array(await response.arrayBuffer());
      this.overall += data.length;
      this.onProgress(file, data.length, data.length, this.overall);
      return data;
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        // A connection dropped mid-file rejects the read; say so instead of a bare "network error".
        if (this.signal?.aborted) throw error;
        const of = total !== null ? ` of ${total}` : '';
        throw new ModelFetchError(url, `the download stopped after ${loaded}${of} bytes (${(error as Error).message})`);
      }
      const { done, value } = chunk;
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      this.overall += value.length;
      this.onProgress(file, loaded, total, this.overall);
    }
    if (total !== null && loaded !== total) {
      throw new ModelFetchError(url, `the download stopped after ${loaded} of ${total} bytes`);
    }
    const data = new Uint8Array(loaded);
    let offset = 0;
    for (const chunk of chunks) {
      data.set(chunk, offset);
      offset += chunk.length;
    }
    return data;
  }

  async json(file: string, optional = false): Promise<Record<string, unknown> | null> {
    const data = await this.bytes(file, optional);
    if (data === null) return null;
    try {
      const value: unknown = JSON.parse(new TextDecoder().decode(data));
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
      return value as Record<string, unknown>;
    } catch (error) {
      throw new ModelFormatError(file, (error as Error).message);
    }
  }
}

export async function fetchModelFiles(
  folderUrl: string,
  onProgress: ProgressCallback,
  options: { onnxFile?: string; signal?: AbortSignal } = {},
): Promise<ModelFiles> {
  const download = new Downloader(folderUrl, onProgress, options.signal);
  const config = (await download.json('config.json'))!;
  const generationConfig = (await download.json('generation_config.json', true)) ?? {};
  const tokenizerJson = (await download.json('tokenizer.json'))!;
  const tokenizerConfig = (await download.json('tokenizer_config.json', true)) ?? {};
  const onnxFile = options.onnxFile ?? 'onnx/model.onnx';
  const onnx = (await download.bytes(onnxFile))!;
  const externalData: ModelFiles['externalData'] = [];
  const jsConfig = config['transformers.js_config'] as { use_external_data_format?: unknown } | undefined;
  if (jsConfig?.use_external_data_format) {
    const dataFile = `${onnxFile}_data`;
    const data = (await download.bytes(dataFile))!;
    externalData.push({ path: dataFile.split('/').pop()!, data });
  }
  return { folderUrl, config, generationConfig, tokenizerJson, tokenizerConfig, onnx, externalData, totalBytes: download.overall };
}
