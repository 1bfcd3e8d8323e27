/**
 * The files of a model folder as the engine receives them, and the seam through which it gets them:
 * the engine never downloads or caches by itself; the worker hands it a `ModelSource` (src/models).
 */
import type { CorruptCopy, EngineErrorInfo } from './protocol';

export interface ModelFiles {
  folderUrl: string;
  config: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
  tokenizerJson: object;
  tokenizerConfig: Record<string, unknown>;
  onnx: Uint8Array;
  /** The graph's file in the folder: the one asked for, or, with none asked for, the first dtype the folder has. */
  onnxFile?: string;
  /** External weights (`model.onnx_data`), when the export keeps them apart. */
  externalData: { path: string; data: Uint8Array }[];
  /** Bytes of the model's files: the size every panel shows (the analysis fetches no extra graph). */
  totalBytes: number;
  cacheReport?: CacheReport;
}

export type ProgressCallback = (
  file: string,
  loadedBytes: number,
  totalBytes: number | null,
  overallLoadedBytes: number,
  /** Bytes of all the model's files, once known (after config.json); null when a size is unknown. */
  overallTotalBytes?: number | null,
  source?: 'network' | 'cache',
  /** Bytes over the network so far, and in all once sized (files the browser keeps count for nothing). */
  network?: { loadedBytes: number; totalBytes: number | null },
) => void;

/** What happened to the browser's copy of the files, for the user to see. */
export interface CacheReport {
  /** Every file came from the browser's cache: no network was used. */
  allFromCache: boolean;
  /** Files whose cached copy was damaged and were downloaded again, with why. */
  refetched: { file: string; reason: CorruptCopy }[];
  /** Why the files could not be stored (quota), or null. */
  storageError: EngineErrorInfo | null;
}

export interface FetchOptions {
  /** Weights file inside the folder; default onnx/model.onnx. */
  onnxFile?: string;
  signal?: AbortSignal;
}

/** Where a model folder's files come from (network, browser cache, memory). */
export interface ModelSource {
  fetch(folderUrl: string, onProgress: ProgressCallback, options?: FetchOptions): Promise<ModelFiles>;
  /** Drops the offline copy of a folder, e.g. one no backend could read. */
  forget(folderUrl: string): Promise<void>;
}
