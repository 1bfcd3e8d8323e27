/**
 * Earlier results on this machine, kept in localStorage for the compare view. Storage may refuse at any
 * moment: a refusal costs the history (the caller is told), never the run; a damaged entry is dropped.
 */
import { readSetting, writeSetting, type KeyValueStore, browserStorage } from '../../core/safe-storage';
import type { BenchReport } from './report';
import { readReport } from './read-report';

export const HISTORY_KEY = 'tl-bench-history-v1';
/** Results kept; the oldest go first. */
export const HISTORY_LIMIT = 12;

export function readHistory(store: KeyValueStore | null = browserStorage()): BenchReport[] {
  const raw = readSetting(HISTORY_KEY, store);
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const reports: BenchReport[] = [];
  for (const item of parsed) {
    try {
      reports.push(readReport(item));
    } catch {
      // One damaged entry must not cost the others.
    }
  }
  return reports;
}

/** Adds a result (newest first); false when storage refused, and the history is as it was. */
export function addToHistory(report: BenchReport, store: KeyValueStore | null = browserStorage()): boolean {
  const kept = [report, ...readHistory(store).filter((r) => r.createdAt !== report.createdAt)];
  // A full quota: drop the oldest until it fits, down to the new result alone.
  for (let n = Math.min(kept.length, HISTORY_LIMIT); n >= 1; n--) {
    if (writeSetting(HISTORY_KEY, JSON.stringify(kept.slice(0, n)), store)) return true;
  }
  return false;
}
