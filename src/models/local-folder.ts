/**
 * A model folder from the user's disk (file picker or drag and drop). Its files are put into the
 * browser's model cache under an address that is never fetched, so the engine loads them exactly
 * like a cached download, the storage view lists them, and they work offline.
 */
import type { ModelCache } from './cache';
import { DTYPES, onnxFileForDtype } from './hub';
import { externalDataFiles } from './fetch-model';
import { LocalFolderError } from '../core/errors';

export interface LocalFile {
  /** Path inside the picked folder, e.g. "stories/onnx/model.onnx" or "onnx/model.onnx". */
  path: string;
  file: Blob;
}

const ROOT_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const OPTIONAL = ['generation_config.json', 'tokenizer_config.json'];
// As a folder URL does: the first dtype in the Hub's order (the full model when it is there).
const ONNX_PREFERENCE = DTYPES.map(onnxFileForDtype);

export function localFolderUrl(name: string): string {
  return `https://local-folder.invalid/${encodeURIComponent(name)}/`;
}

/** Drops the picked folder's own name, so paths read like a model folder's. */
function relativePaths(files: LocalFile[]): { name: string; files: LocalFile[] } {
  const first = files[0]?.path.split('/')[0] ?? 'local-model';
  const shared = files.length > 0 && files.every((f) => f.path.includes('/') && f.path.split('/')[0] === first);
  if (!shared) return { name: 'local-model', files };
  return { name: first, files: files.map((f) => ({ ...f, path: f.path.slice(first.length + 1) })) };
}

export async function importLocalFolder(picked: LocalFile[], cache: ModelCache | null): Promise<{ folderUrl: string; onnxFile: string; name: string }> {
  if (!cache) throw new LocalFolderError({ kind: 'no-cache-storage' });
  const { name, files } = relativePaths(picked);
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const missing = ['config.json', 'tokenizer.json'].filter((f) => !byPath.has(f));
  const onnxFile = ONNX_PREFERENCE.find((f) => byPath.has(f)) ?? files.map((f) => f.path).find((p) => /^onnx\/[^/]+\.onnx$/.test(p));
  if (!onnxFile) missing.push('onnx/model.onnx');
  if (missing.length) {
    throw new LocalFolderError({ kind: 'not-a-model-folder', name, missing: missing.join(', ') });
  }
  const folderUrl = localFolderUrl(name);
  const config = JSON.parse(await byPath.get('config.json')!.text().catch(() => '{}')) as Record<string, unknown>;
  const wanted = [...ROOT_FILES, onnxFile!, ...externalDataFiles(config, onnxFile!)];
  for (const path of wanted) {
    const file = byPath.get(path);
    const url = new URL(path, folderUrl).href;
    if (file) await cache.write(url, folderUrl, path, new Uint8Array(await file.arrayBuffer()), null);
    else if (OPTIONAL.includes(path)) await cache.writeMissing(url, folderUrl, path);
  }
  return { folderUrl, onnxFile: onnxFile!, name };
}

/** The files of folders dropped on the page, with their paths (DataTransfer entries API). */
export async function filesFromDrop(items: DataTransferItemList): Promise<LocalFile[]> {
  const entries = [...items].map((item) => item.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const files: LocalFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      files.push({ path: `${prefix}${entry.name}`, file });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns the listing in batches until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
    }
  };
  for (const entry of entries) await walk(entry, '');
  return files;
}
