/**
 * A benchmark result carried in a link, so it can be posted anywhere and opened without a server: the
 * reports as JSON, compressed (deflate-raw), in base64url, in the URL fragment, which browsers never send
 * to the server. Format (docs/bench-results.md):
 *
 *   #result=<version>.<base64url(deflate-raw(JSON array of reports))>.<base64url(first 9 bytes of SHA-256 of the compressed bytes)>
 *
 * The version comes first so a newer link is recognised without decoding it; the checksum last, so a
 * link cut off anywhere is told apart from one whose contents were altered.
 */
import { BenchLinkError } from '../../core/errors';
import { BENCH_SCHEMA_VERSION, type BenchReport } from './report';
import { readReport } from './read-report';

export const SHARE_FRAGMENT_KEY = 'result';
const CHECKSUM_BYTES = 9;

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

async function checksum(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  return toBase64Url(digest.subarray(0, CHECKSUM_BYTES));
}

/** The fragment's value (after `#result=`) for these reports. */
export async function encodeResults(reports: BenchReport[]): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(reports));
  const packed = await through(json, new CompressionStream('deflate-raw'));
  return `${BENCH_SCHEMA_VERSION}.${toBase64Url(packed)}.${await checksum(packed)}`;
}

/** A full link: the page's address (query kept, any fragment replaced) with the results in the fragment. */
export async function resultsLink(pageUrl: string, reports: BenchReport[]): Promise<string> {
  const url = new URL(pageUrl);
  url.hash = `${SHARE_FRAGMENT_KEY}=${await encodeResults(reports)}`;
  return url.href;
}

/** The encoded results of a fragment (`#result=…`), or null when the fragment carries none. */
export function sharedFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get(SHARE_FRAGMENT_KEY);
}

/** The reports of a link's fragment value; BenchLinkError, with the reason, when they cannot be shown. */
export async function decodeResults(value: string): Promise<BenchReport[]> {
  const parts = value.trim().split('.');
  const version = Number(parts[0]);
  if (!/^\d+$/.test(parts[0] ?? '')) throw new BenchLinkError({ kind: 'invalid', detail: 'no version' });
  if (version > BENCH_SCHEMA_VERSION) throw new BenchLinkError({ kind: 'future', version, readable: BENCH_SCHEMA_VERSION });
  // A link cut off loses its checksum (or part of it) first.
  if (parts.length < 3 || parts[2].length < Math.ceil((CHECKSUM_BYTES * 4) / 3)) throw new BenchLinkError({ kind: 'truncated' });
  if (parts.length > 3) throw new BenchLinkError({ kind: 'tampered' });
  const packed = fromBase64Url(parts[1]);
  if (!packed || !packed.length) throw new BenchLinkError({ kind: 'tampered' });
  if ((await checksum(packed)) !== parts[2]) throw new BenchLinkError({ kind: 'tampered' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await through(packed, new DecompressionStream('deflate-raw'))));
  } catch (error) {
    throw new BenchLinkError({ kind: 'invalid', detail: (error as Error).message });
  }
  if (!Array.isArray(parsed) || !parsed.length) throw new BenchLinkError({ kind: 'invalid', detail: 'no results' });
  return parsed.map(readReport);
}
