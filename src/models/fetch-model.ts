/**
 * Downloads the files of a model folder (Hugging Face / transformers.js ONNX layout) with byte-level
 * progress. No DOM: it runs inside the engine worker.
 */
import { ModelFetchError, ModelFileMissingError, ModelFormatError, OfflineSaveError, StorageQuotaError, toErrorInfo } from '../core/errors';
import type { CacheReport, ModelFiles, ProgressCallback } from '../core/model-files';
import { isQuotaError, sha256FromHeaders, sha256Hex, type ModelCache } from './cache';
import type { PartialStore } from './partial-download';
import { DTYPES, onnxFileForDtype } from './hub';
import { embeddedFileBytes, isInBrowserCache } from './embedded-sizes';
import { fetchOnce } from '../core/fetch-once';
import { EMBEDDED_MODELS_CACHE } from '../core/app-caches';

const DEFAULT_ONNX_FILE = onnxFileForDtype('fp32');

/** How often the bytes of a file in progress are saved, so an interrupted download can continue. */
const PARTIAL_SAVE_MS = 1000;

class Downloader {
  overall = 0;
  overallTotal: number | null = null;
  /** Bytes still to come over the network (files neither in our cache nor the browser's), once sized. */
  networkTotal: number | null = null;
  /** Sizes already asked for, so no file is sized twice (a HEAD request each). */
  private readonly sizes = new Map<string, Promise<number | null>>();
  readonly report: CacheReport = { allFromCache: true, refetched: [], storageError: null };
  constructor(
    private readonly folderUrl: string,
    private readonly onProgress: ProgressCallback,
    private readonly signal?: AbortSignal,
    private readonly cache: ModelCache | null = null,
    private readonly partials: PartialStore | null = null,
  ) {}

  /** Sizes the rest of the download up front (cache or HEAD), so progress can show a total and an ETA. */
  async planTotal(files: string[]): Promise<void> {
    // In parallel: on a slow link, sequential HEADs would delay the first byte by several round trips.
    const urls = files.map((file) => new URL(file, this.folderUrl).href);
    const [sizes, kept] = await Promise.all([Promise.all(urls.map((url) => this.sizeOf(url))), Promise.all(urls.map((url) => this.isKept(url)))]);
    this.overallTotal = sizes.includes(null) ? null : sizes.reduce<number>((sum, size) => sum + (size ?? 0), this.overall);
    this.networkTotal = sizes.includes(null) ? null : sizes.reduce<number>((sum, size, i) => sum + (kept[i] ? 0 : (size ?? 0)), this.networkSoFar);
  }

  /** Bytes that came over the network so far (what `networkTotal` counts). */
  networkSoFar = 0;

  /** A copy of the file is kept in this browser: ours (Hub models), or the service worker's (the app's own). */
  private async isKept(url: string): Promise<boolean> {
    if (this.cache) return (await this.cache.storedBytes(url)) !== null;
    return isInBrowserCache(url);
  }

  /**
   * The first of `files` the folder has (cached, or not answered 404 to a HEAD; one whose size the
   * server does not say counts as there), or null when it has none of them.
   */
  async firstPresent(files: readonly string[]): Promise<string | null> {
    for (const file of files) if ((await this.sizeOf(new URL(file, this.folderUrl).href)) !== 0) return file;
    return null;
  }

  /** Bytes of one file (0 when the server says it does not exist), or null when unknown. */
  private sizeOf(url: string): Promise<number | null> {
    let size = this.sizes.get(url);
    if (!size) this.sizes.set(url, (size = this.askSize(url)));
    return size;
  }

  private async askSize(url: string): Promise<number | null> {
    const embedded = embeddedFileBytes(url);
    if (embedded !== undefined) return embedded;
    const cachedBytes = this.cache ? await this.cache.storedBytes(url) : null;
    if (cachedBytes !== null) return cachedBytes;
    try {
      const head = await fetch(url, { method: 'HEAD', signal: this.signal });
      if (head.status === 404) return 0;
      const length = head.headers.get('content-length');
      if (!head.ok || length === null || head.headers.get('content-encoding')) return null;
      return Number(length);
    } catch (error) {
      if (this.signal?.aborted) throw error;
      return null; // the GET that follows will report the network problem properly
    }
  }

  /** null when the file is optional and the server says it does not exist. */
  async bytes(file: string, optional = false): Promise<Uint8Array | null> {
    const url = new URL(file, this.folderUrl).href;
    if (this.cache) {
      const cached = await this.cache.read(url);
      if (cached.status === 'missing' && optional) return null;
      if (cached.status === 'hit') {
        this.progress(file, cached.data.length, cached.data.length, 'cache', cached.data.length);
        return cached.data;
      }
      if (cached.status === 'corrupt') this.report.refetched.push({ file, reason: cached.reason });
    }
    const keptByBrowser = !this.cache && (await isInBrowserCache(url));
    if (!keptByBrowser) this.report.allFromCache = false;
    this.source = keptByBrowser ? 'cache' : 'network';
    const data = await this.download(url, file, optional);
    if (this.cache && !this.report.storageError) {
      try {
        // An optional file the server lacks is remembered as missing, so an offline start needs no network.
        if (data) await this.cache.write(url, this.folderUrl, file, data, this.lastSha256);
        else await this.cache.writeMissing(url, this.folderUrl, file);
      } catch (error) {
        // The model still runs from memory; only the offline copy is missing.
        this.report.storageError = toErrorInfo(isQuotaError(error) ? new StorageQuotaError(data?.length ?? 0) : new OfflineSaveError(file, (error as Error).message));
      }
    }
    return data;
  }

  private lastSha256: string | null = null;
  /** Where the file being read comes from: the network, or a copy the browser keeps (the service worker's). */
  private source: 'network' | 'cache' = 'network';

  private progress(file: string, loaded: number, total: number | null, source: 'network' | 'cache', added: number): void {
    this.overall += added;
    if (source === 'network') this.networkSoFar += added;
    this.onProgress(file, loaded, total, this.overall, this.overallTotal, source, { loadedBytes: this.networkSoFar, totalBytes: this.networkTotal });
  }

  private async download(url: string, file: string, optional: boolean): Promise<Uint8Array | null> {
    this.lastSha256 = null;
    // Continue an interrupted download where the server can send the rest of the same file.
    const partial = this.partials && !optional ? await this.partials.load(url).catch(() => null) : null;
    let response: Response;
    try {
      const headers: Record<string, string> = partial ? { Range: `bytes=${partial.prefix.length}-`, 'If-Range': partial.etag } : {};
      // The app's own files are fetched once per page, whichever worker asks first (the chat's and the lesson's both do).
      if (!partial && embeddedFileBytes(url) !== undefined) {
        const once = await fetchOnce(url, EMBEDDED_MODELS_CACHE, { signal: this.signal, keep: (r) => !isHtmlResponse(r) });
        // Another worker fetched it while this one waited: its bytes do not cross the network again.
        if (once.fromCache) this.source = 'cache';
        response = once.response;
      } else {
        response = await fetch(url, { signal: this.signal, headers });
      }
    } catch (error) {
      if (this.signal?.aborted) throw error;
      // Offline is said as such: a failed fetch while offline would otherwise read as a CORS refusal.
      if (globalThis.navigator?.onLine === false) throw new ModelFetchError(url, { kind: 'offline' });
      throw new ModelFetchError(url, { kind: 'unreachable', cause: (error as Error).message, origin: originOf(url) === globalThis.location?.origin ? 'same' : 'other' });
    }
    if (response.status === 404 || response.status === 410) {
      if (optional) return null;
      throw new ModelFileMissingError(file, this.folderUrl);
    }
    if (!response.ok) throw new ModelFetchError(url, { kind: 'http-status', status: response.status, statusText: response.statusText });
    // Single-page-app hosts (vite preview among them) answer a missing file with index.html.
    const htmlAnswer = isHtmlResponse(response);
    if (optional && file.endsWith('.json') && htmlAnswer) return null;
    if (htmlAnswer) throw new ModelFetchError(url, { kind: 'html-page', file });
    const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
    const resumed = partial && response.status === 206 && Number(range?.[1]) === partial.prefix.length && Number(range?.[2]) === partial.total ? partial : null;
    if (partial && !resumed) await this.partials?.clear(url).catch(() => undefined);
    const data = await this.readBody(url, file, response, resumed);
    await this.partials?.clear(url).catch(() => undefined);
    // A web page sent with another type (or none) is still a web page, not the model's file.
    if (looksLikeHtml(data)) throw new ModelFetchError(url, { kind: 'html-page', file });
    // Where the server names the content's hash (the Hub does for LFS files), a damaged download is caught here.
    const expectedSha = sha256FromHeaders(response.headers);
    if (expectedSha) {
      if ((await sha256Hex(data)) !== expectedSha) throw new ModelFetchError(url, { kind: 'hash-mismatch' });
      this.lastSha256 = expectedSha;
    }
    return data;
  }

  private async readBody(url: string, file: string, response: Response, resumed: { prefix: Uint8Array; etag: string } | null = null): Promise<Uint8Array> {
    const lengthHeader = response.headers.get('content-length');
    const remaining = lengthHeader && !response.headers.get('content-encoding') ? Number(lengthHeader) : null;
    const start = resumed?.prefix.length ?? 0;
    const total = remaining !== null ? start + remaining : null;
    if (resumed) {
      this.progress(file, start, total, 'cache', start);
    }
    // Only a file the server can send in ranges, with a validator, is worth saving piece by piece.
    const etag = response.headers.get('etag') ?? resumed?.etag ?? null;
    const canResume = !!this.partials && !!etag && total !== null && (response.headers.get('accept-ranges') === 'bytes' || response.status === 206);
    let saved = start;
    let savedChunks = 0;
    let lastSave = performance.now();
    const savePending = async () => {
      if (!canResume || loaded + start === saved) return;
      const piece = concat(chunks.slice(savedChunks), loaded + start - saved);
      await this.partials!.append(url, saved, piece, etag!, total!).catch(() => undefined);
      saved = loaded + start;
      savedChunks = chunks.length;
    };
    if (!response.body) {
      const data = new Uint8Array(await response.arrayBuffer());
      this.progress(file, data.length, data.length, this.source, data.length);
      return resumed ? concat([resumed.prefix, data], start + data.length) : data;
    }
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        await savePending();
        // A connection dropped mid-file rejects the read; say so instead of a bare "network error".
        if (this.signal?.aborted) throw error;
        throw new ModelFetchError(url, { kind: 'interrupted', loaded: start + loaded, total, cause: (error as Error).message });
      }
      const { done, value } = chunk;
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      this.progress(file, start + loaded, total, this.source, value.length);
      if (canResume && performance.now() - lastSave > PARTIAL_SAVE_MS) {
        lastSave = performance.now();
        await savePending();
      }
    }
    if (total !== null && start + loaded !== total) {
      throw new ModelFetchError(url, { kind: 'interrupted', loaded: start + loaded, total, cause: '' });
    }
    return concat(resumed ? [resumed.prefix, ...chunks] : chunks, start + loaded);
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

/**
 * The external weights files of a graph, as transformers.js declares them: `true` for one
 * `<file>_data`, or per file name a flag or a count of chunks (`_data`, `_data_1`, ...).
 */
export function externalDataFiles(config: Record<string, unknown>, onnxFile: string): string[] {
  const flag = (config['transformers.js_config'] as { use_external_data_format?: unknown } | undefined)?.use_external_data_format;
  const value = flag && typeof flag === 'object' ? (flag as Record<string, unknown>)[onnxFile.split('/').pop()!] : flag;
  const count = value === true ? 1 : typeof value === 'number' ? value : 0;
  return Array.from({ length: count }, (_, i) => (i === 0 ? `${onnxFile}_data` : `${onnxFile}_data_${i}`));
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** The server says it sent a web page (a single-page app's fallback, a login wall). */
export function isHtmlResponse(response: Response): boolean {
  return response.headers.get('content-type')?.startsWith('text/html') === true;
}

/** True for bytes that open like an HTML document; ONNX (protobuf) and JSON never do. */
export function looksLikeHtml(data: Uint8Array): boolean {
  const head = new TextDecoder().decode(data.subarray(0, 256)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body');
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const data = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.length;
  }
  return data;
}

export async function fetchModelFiles(
  folderUrl: string,
  onProgress: ProgressCallback,
  options: {
    onnxFile?: string;
    signal?: AbortSignal;
    cache?: ModelCache | null;
    partials?: PartialStore | null;
  } = {},
): Promise<ModelFiles> {
  const download = new Downloader(folderUrl, onProgress, options.signal, options.cache ?? null, options.partials ?? null);
  const config = (await download.json('config.json'))!;
  // No dtype chosen (a folder URL, a shared link): the first weights file the folder has, in the order
  // the Hub's dtypes are offered, so a folder with only onnx/model_q4.onnx loads as a Hub id does.
  const onnxFile = options.onnxFile ?? (await download.firstPresent(DTYPES.map(onnxFileForDtype))) ?? DEFAULT_ONNX_FILE;
  const dataFiles = externalDataFiles(config, onnxFile);
  await download.planTotal([
    'generation_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    onnxFile,
    ...dataFiles,
  ]);
  const generationConfig = (await download.json('generation_config.json', true)) ?? {};
  const tokenizerJson = (await download.json('tokenizer.json'))!;
  const tokenizerConfig = (await download.json('tokenizer_config.json', true)) ?? {};
  const onnx = (await download.bytes(onnxFile))!;
  const externalData: ModelFiles['externalData'] = [];
  for (const dataFile of dataFiles) {
    const data = (await download.bytes(dataFile))!;
    externalData.push({ path: dataFile.split('/').pop()!, data });
  }
  return { folderUrl, config, generationConfig, tokenizerJson, tokenizerConfig, onnx, onnxFile, externalData, totalBytes: download.overall, cacheReport: download.report };
}
