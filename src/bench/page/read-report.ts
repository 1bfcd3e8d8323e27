/**
 * Reads a benchmark report from untrusted JSON (a shared link, a pasted or dropped file): checks the
 * shape every view relies on, and brings version 1 up to version 2 (the migration below). Anything the
 * views would trip over is refused with BenchLinkError, never shown half-broken.
 */
import { BenchLinkError } from '../../core/errors';
import { BENCH_SCHEMA_ID, BENCH_SCHEMA_VERSION, type BenchRecord, type BenchReport } from './report';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberOrNull = (v: unknown) => v === null || typeof v === 'number';

function invalid(detail: string): never {
  throw new BenchLinkError({ kind: 'invalid', detail });
}

function checkSpread(record: Json, key: string, index: number): void {
  const s = record[key];
  if (!isObject(s) || !['median', 'p10', 'p90', 'min', 'max', 'n'].every((k) => isNumberOrNull(s[k]))) invalid(`record ${index + 1}: ${key} is not a spread`);
}

/**
 * Version 1 → 2: records gain `stable` (null: a fixed number of runs), `tokenLatenciesMs` (empty: v1 kept
 * no per-token times), `memory` (from the model's size and the heap v1 recorded) and `contextCurve`
 * (null); the report gains `probe` and `failures` (empty: v1 had no probe, and failed runs made no
 * report), `bandwidth` (null) and `cancelled` (false).
 */
export function migrateV1(report: Json): Json {
  const records = (report.records as Json[]).map((r) => ({
    stable: null,
    tokenLatenciesMs: [],
    memory: {
      modelBytes: typeof r.weightBytes === 'number' ? r.weightBytes : 0,
      peakGpuBytes: null,
      peakJsHeapBytes: typeof r.memoryBytes === 'number' ? r.memoryBytes : null,
      kvCacheBytesAtLongest: 0,
      longestContextTokens: 0,
    },
    contextCurve: null,
    ...r,
  }));
  return { probe: [], failures: [], bandwidth: null, cancelled: false, ...report, records, version: 2 };
}

/** A report to show, from parsed JSON of any version this page knows. */
export function readReport(value: unknown): BenchReport {
  if (!isObject(value) || value.schema !== BENCH_SCHEMA_ID) invalid('not a Transformer Lab benchmark');
  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) invalid('no schema version');
  if (version > BENCH_SCHEMA_VERSION) throw new BenchLinkError({ kind: 'future', version, readable: BENCH_SCHEMA_VERSION });
  if (!Array.isArray(value.records)) invalid('no records');
  const report = version === 1 ? migrateV1(value) : value;
  if (typeof report.createdAt !== 'string' || Number.isNaN(Date.parse(report.createdAt))) invalid('no date');
  if (!isObject(report.environment) || typeof report.environment.userAgent !== 'string') invalid('no environment');
  if (!isObject(report.settings) || !Array.isArray(report.models) || !Array.isArray(report.ratios) || !Array.isArray(report.consistency)) invalid('missing sections');
  if (!Array.isArray(report.probe) || !Array.isArray(report.failures)) invalid('missing sections');
  (report.records as unknown[]).forEach((r, i) => {
    if (!isObject(r) || typeof r.model !== 'string' || typeof r.engine !== 'string' || typeof r.backend !== 'string') invalid(`record ${i + 1} is malformed`);
    for (const key of ['timeToFirstTokenMs', 'prefillTokensPerSecond', 'decodeTokensPerSecond', 'tokenLatencyMs']) checkSpread(r, key, i);
    if (!Array.isArray(r.tokenLatenciesMs) || !(r.tokenLatenciesMs as unknown[]).every((v) => typeof v === 'number')) invalid(`record ${i + 1}: latencies`);
    if (!isObject(r.memory)) invalid(`record ${i + 1}: memory`);
    if (r.contextCurve !== null && !(Array.isArray(r.contextCurve) && (r.contextCurve as unknown[]).every((p) => isObject(p) && typeof p.contextTokens === 'number'))) invalid(`record ${i + 1}: context curve`);
  });
  for (const [i, m] of (report.models as unknown[]).entries()) if (!isObject(m) || typeof m.name !== 'string') invalid(`model ${i + 1} is malformed`);
  for (const p of report.probe as unknown[]) if (!isObject(p) || (p.verdict !== 'match' && p.verdict !== 'differ') || !Array.isArray(p.top1PerStep)) invalid('malformed probe');
  return report as unknown as BenchReport;
}

/** One record's key, unique within a report. */
export const recordKey = (r: Pick<BenchRecord, 'model' | 'engine' | 'backend'>) => `${r.model}/${r.engine}/${r.backend}`;
