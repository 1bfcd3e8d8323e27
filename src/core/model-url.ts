/** Model folder addresses: resolving what a user typed, and naming a folder for display. */
import { ModelUrlError } from './errors';

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
  // A Hub folder (<owner>/<name>/resolve/<revision>/) is known by its repo id, not by "main".
  const resolveAt = parts.length - 2;
  if (parts.length >= 4 && parts[resolveAt] === 'resolve') return decodeURIComponent(`${parts[resolveAt - 2]}/${parts[resolveAt - 1]}`);
  return decodeURIComponent(parts[parts.length - 1] ?? folderUrl);
}
