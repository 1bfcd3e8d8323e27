/**
 * The fault suite is the table in docs/fault-suite.md: one row per probe, naming the browser tests that
 * keep it as `spec › test title`. `npm run test:faults` runs exactly those tests, selected by a grep
 * built from the table, so the document and the run cannot drift apart (test/unit/fault-suite.test.ts
 * checks every named test exists, and that no numbered probe in the specs is missing from the table).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

export const FAULT_SUITE_DOC = path.join(REPO_ROOT, 'docs/fault-suite.md');

export interface FaultSuiteTest {
  /** The probe's number in the table. */
  probe: number;
  /** The spec's short name, as the table writes it (`faults` for test/e2e/faults.spec.ts). */
  spec: string;
  title: string;
}

/** The spec file a table entry names, relative to the repository root. */
export const specFile = (spec: string): string => `test/e2e/${spec}.spec.ts`;

// A row: `| 12 | what was tried | spec › title; spec › title |`. Several tests in one cell are
// separated by `; ` before the next `spec ›` (a title may itself hold a semicolon).
const ROW = /^\|\s*(\d+)\s*\|.*\|\s*([^|]+?)\s*\|\s*$/;
const CELL_SEPARATOR = /;\s+(?=[\w-]+ › )/;
const ENTRY = /^([\w-]+) › (.+)$/;

export function parseFaultSuite(markdown: string): FaultSuiteTest[] {
  const tests: FaultSuiteTest[] = [];
  for (const line of markdown.split('\n')) {
    const row = ROW.exec(line);
    if (!row) continue;
    for (const entry of row[2].split(CELL_SEPARATOR)) {
      const match = ENTRY.exec(entry.trim());
      if (!match) throw new Error(`docs/fault-suite.md, probe ${row[1]}: "${entry}" is not "spec › test title"`);
      tests.push({ probe: Number(row[1]), spec: match[1], title: match[2] });
    }
  }
  return tests;
}

export const readFaultSuite = (): FaultSuiteTest[] => parseFaultSuite(readFileSync(FAULT_SUITE_DOC, 'utf8'));

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A `--grep` for Playwright that matches the listed tests' titles. */
export function faultSuiteGrep(tests: FaultSuiteTest[]): string {
  return [...new Set(tests.map((t) => escapeRegExp(t.title)))].join('|');
}

/** The spec files the suite's tests live in, so Playwright loads no others. */
export function faultSuiteSpecs(tests: FaultSuiteTest[]): string[] {
  return [...new Set(tests.map((t) => specFile(t.spec)))];
}
