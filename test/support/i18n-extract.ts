/**
 * Finds every message the app passes to @lit/localize's `msg()` in its sources, as the catalog
 * keys them: plain strings as written, `str` templates with `{0}`, `{1}`… for their expressions.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function unescapeLiteral(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.startsWith('u')) return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    return ({ n: '\n', t: '\t' } as Record<string, string>)[e] ?? e;
  });
}

/** Reads a quoted literal or a str`…` template starting at `start`; null if it is neither. */
function readMessage(source: string, start: number): string | null {
  let i = start;
  while (/\s/.test(source[i])) i++;
  const quote = source[i];
  if (quote === "'" || quote === '"') {
    let j = i + 1;
    while (source[j] !== quote) j += source[j] === '\\' ? 2 : 1;
    return unescapeLiteral(source.slice(i + 1, j));
  }
  if (!source.startsWith('str`', i)) return null;
  let j = i + 4;
  let out = '';
  let index = 0;
  while (source[j] !== '`') {
    if (source[j] === '\\') {
      out += unescapeLiteral(source.slice(j, j + 2));
      j += 2;
    } else if (source.startsWith('${', j)) {
      let depth = 1;
      j += 2;
      while (depth) {
        if (source[j] === '{') depth++;
        else if (source[j] === '}') depth--;
        j++;
      }
      out += `{${index++}}`;
    } else out += source[j++];
  }
  return out;
}

export function extractMessages(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/\bmsg\(/g)) {
    const message = readMessage(source, match.index + 4);
    if (message !== null) found.push(message);
  }
  return found;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Every message of the app, with the files it appears in. */
export function appMessages(srcDir: string): Map<string, string[]> {
  const messages = new Map<string, string[]>();
  for (const file of sourceFiles(srcDir)) {
    for (const message of extractMessages(readFileSync(file, 'utf8'))) messages.set(message, [...(messages.get(message) ?? []), file]);
  }
  return messages;
}
