/**
 * One word per figure: the chat's live figures, the Benchmark's table headers, the Markdown export and
 * the JSON docs all name a figure as src/bench/shared/figures.ts does, in English and in Chinese.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { configureLocalization } from '@lit/localize';
import { FIGURES, FIGURE_DEFINITIONS, FIGURE_FIELDS, FIGURE_NAMES, FIGURE_UNITS, type FigureKey } from '../../src/bench/shared/figures';
import { figureLabel, figureName } from '../../src/panels/bench/words';
import { liveFigures } from '../../src/panels/chat/live-figures';
import { toMarkdown } from '../../src/bench/page/report-text';
import { REFERENCE_RESULTS } from '../../src/bench/page/reference-results';
import { REPO_ROOT } from '../support/paths';

const KEYS = Object.keys(FIGURE_NAMES) as FigureKey[];
const STATS = { timeToFirstTokenMs: 42.4, decodeTokensPerSecond: 123.4, prefillTokensPerSecond: 56.78 };

/** The JSON schema's node at a record field such as `memory.peakGpuBytes`. */
function schemaField(schema: { properties: Record<string, unknown> }, field: string): { description?: string } | undefined {
  const record = (schema.properties.records as { items: { properties: Record<string, { properties?: Record<string, unknown> }> } }).items;
  let node: { properties?: Record<string, unknown> } | undefined = { properties: record.properties };
  for (const part of field.split('.')) node = node?.properties?.[part] as typeof node;
  return node as { description?: string } | undefined;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) yield* sourceFiles(file);
    else if (name.endsWith('.ts')) yield file;
  }
}

describe('one word per figure', () => {
  it("the chat's live figures are named as the Benchmark's table heads them, with the same units", () => {
    const figures = liveFigures(STATS);
    expect(figures.map((f) => f.label)).toEqual(['Time to first token', 'Decode', 'Prefill']);
    for (const f of figures) {
      expect(f.label).toBe(FIGURE_NAMES[f.key]);
      expect(figureName(f.key)).toBe(`${f.label}, ${FIGURE_UNITS[f.key]}`);
      expect(f.value.endsWith(` ${FIGURE_UNITS[f.key]}`)).toBe(true);
    }
    expect(figures[0].value).toBe('42 ms');
  });

  it("the page's table heads each figure as the exports do", () => {
    for (const key of KEYS) {
      expect(figureLabel(key)).toBe(FIGURE_NAMES[key]);
      expect(figureName(key)).toBe(FIGURES[key]);
    }
  });

  it('the Markdown export heads its columns with the same words', () => {
    const head = toMarkdown(REFERENCE_RESULTS[0]).split('\n').find((line) => line.startsWith('| Model |')) ?? '';
    const cells = head.split('|').map((c) => c.trim());
    for (const key of ['sessionBuild', 'timeToFirstToken', 'prefill', 'achievedBandwidth', 'gpuReads'] as const) expect(cells).toContain(FIGURES[key]);
    expect(cells).toContain(`${FIGURES.decode} (p10–p90)`);
    expect(head).not.toMatch(/TTFT|First token ms/i);
  });

  it('the JSON schema and docs/bench-results.md define each figure under its name', () => {
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/bench-schema.v2.json'), 'utf8')) as { properties: Record<string, unknown> };
    const doc = readFileSync(path.join(REPO_ROOT, 'docs/bench-results.md'), 'utf8');
    for (const key of KEYS) {
      expect(schemaField(schema, FIGURE_FIELDS[key])?.description, FIGURE_FIELDS[key]).toMatch(new RegExp(`^${FIGURES[key].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      expect(doc).toContain(`| ${FIGURES[key]} | \`${FIGURE_FIELDS[key]}\` | ${FIGURE_DEFINITIONS[key]}`);
    }
  });

  it('no page spells a figure name itself: only the words module does', () => {
    const names = KEYS.flatMap((key) => [FIGURE_NAMES[key], FIGURES[key]].map((n) => n.toLowerCase()));
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(REPO_ROOT, 'src'))) {
      if (file.endsWith(path.join('panels', 'bench', 'words.ts')) || file.includes(`${path.sep}generated${path.sep}`)) continue;
      for (const [, text] of readFileSync(file, 'utf8').matchAll(/\bmsg\(\s*(?:str)?[`'"]([^`'"]*)[`'"]/g)) {
        const said = text.toLowerCase().trim();
        if (names.includes(said)) offenders.push(`${path.relative(REPO_ROOT, file)}: msg('${text}')`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('in Chinese too: the chat, the table and the units agree', async () => {
    vi.stubGlobal('window', new EventTarget()); // @lit/localize announces locale changes on window
    const { setLocale } = configureLocalization({ sourceLocale: 'en', targetLocales: ['zh-Hans'], loadLocale: () => import('../../src/i18n/generated/locales/zh-Hans') });
    await setLocale('zh-Hans');
    try {
      const figures = liveFigures(STATS);
      for (const f of figures) {
        expect(f.label).not.toBe(FIGURE_NAMES[f.key]);
        expect(f.label).toBe(figureLabel(f.key));
        expect(figureName(f.key).startsWith(f.label)).toBe(true);
      }
      expect(figures[0].value).toBe('42 毫秒');
      for (const key of KEYS) expect(figureName(key).startsWith(figureLabel(key))).toBe(true);
    } finally {
      await setLocale('en');
      vi.unstubAllGlobals();
    }
  });
});
