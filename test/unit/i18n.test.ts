/**
 * The app in Chinese, through lit-localize's own pipeline (lit-localize.json): `extract` finds every
 * msg() of src/ and keeps xliff/zh-Hans.xlf, `build` turns its targets into the committed module
 * src/i18n/generated/locales/zh-Hans.ts. Here: both committed files are what the CLI makes from
 * today's sources, every message has a Chinese target with the same placeholders, and the runtime
 * finds them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configureLocalization, msg, str } from '@lit/localize';
import { REPO_ROOT } from '../support/paths';
import { parseXliff } from '../../scripts/i18n/xliff';
import { initialLocale } from '../../src/i18n/initial-locale';

const CONFIG = JSON.parse(readFileSync(path.join(REPO_ROOT, 'lit-localize.json'), 'utf8'));
const XLIFF = path.join(REPO_ROOT, CONFIG.interchange.xliffDir, 'zh-Hans.xlf');
const GENERATED = path.join(REPO_ROOT, CONFIG.output.outputDir, 'zh-Hans.ts');
const units = parseXliff(readFileSync(XLIFF, 'utf8'));
/** Messages that read the same in both languages (units and names). */
const SAME_IN_BOTH = new Set<string>([]);

describe('the committed translation files', () => {
  let work: string;
  /** Runs the CLI as `npm run i18n:*` does, on a copy: sources of the repo, XLIFF and output in `work`. */
  const lit = (command: 'extract' | 'build') =>
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/@lit/localize-tools/bin/lit-localize.js'), `--config=${path.join(work, 'lit-localize.json')}`, command], { stdio: 'pipe' });

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'tl-i18n-'));
    const config = {
      ...CONFIG,
      inputFiles: CONFIG.inputFiles.map((glob: string) => path.join(REPO_ROOT, glob)),
      interchange: { ...CONFIG.interchange, xliffDir: 'xliff' },
      // The CLI resolves localeCodesModule against the working directory, not the config's.
      output: { ...CONFIG.output, outputDir: 'locales', localeCodesModule: path.join(work, 'locale-codes.ts') },
    };
    writeFileSync(path.join(work, 'lit-localize.json'), JSON.stringify(config));
    cpSync(XLIFF, path.join(work, 'xliff', 'zh-Hans.xlf'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('xliff/zh-Hans.xlf holds exactly the messages of today\'s sources (else: npm run i18n:extract)', () => {
    lit('extract');
    expect(readFileSync(path.join(work, 'xliff', 'zh-Hans.xlf'), 'utf8') === readFileSync(XLIFF, 'utf8'), 'xliff/zh-Hans.xlf is stale: run npm run i18n:extract and translate what is new').toBe(true);
  }, 60_000);

  it('the generated locale module is what lit-localize builds from the XLIFF (else: npm run i18n:build)', () => {
    lit('build');
    for (const [made, committed] of [
      [path.join(work, 'locales', 'zh-Hans.ts'), GENERATED],
      [path.join(work, 'locale-codes.ts'), path.join(REPO_ROOT, CONFIG.output.localeCodesModule)],
    ]) {
      expect(readFileSync(made, 'utf8') === readFileSync(committed, 'utf8'), `${path.relative(REPO_ROOT, committed)} is stale: run npm run i18n:build`).toBe(true);
    }
  }, 60_000);
});

describe('the Chinese XLIFF', () => {
  it('has the messages of the whole app', () => {
    expect(units.length).toBeGreaterThan(150);
    const sources = new Set(units.map((u) => u.source));
    for (const id of ['Chat', 'New chat', 'Model folder URL', 'Generation settings', 'Architecture', 'Compute calculator', 'the server answered {0} {1}']) expect(sources.has(id), id).toBe(true);
  });

  it('translates every message, keeping each placeholder once', () => {
    const missing = units.filter((u) => u.target === null).map((u) => u.source);
    expect(missing, `untranslated messages (translate them in xliff/zh-Hans.xlf):\n${missing.join('\n')}`).toEqual([]);
    const placeholders = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
    for (const { source, target } of units) {
      expect(placeholders(target!), `placeholders of "${source}"`).toEqual(placeholders(source));
      if (!SAME_IN_BOTH.has(source) && /[A-Za-z]{3}/.test(source)) expect(target, source).not.toBe(source);
    }
  });
});

describe('language choice', () => {
  it('keeps a remembered choice, else follows the browser, else English', () => {
    expect(initialLocale('en', ['zh-CN'])).toBe('en');
    expect(initialLocale(null, ['zh-CN', 'en'])).toBe('zh-Hans');
    expect(initialLocale(null, ['zh-TW'])).toBe('zh-Hans');
    expect(initialLocale(null, ['de-DE', 'en-US'])).toBe('en');
    expect(initialLocale('fr', ['fr-FR'])).toBe('en');
  });
});

describe('runtime lookup', () => {
  it('@lit/localize returns the Chinese text of the generated module, with values in their place', async () => {
    vi.stubGlobal('window', new EventTarget()); // @lit/localize announces locale changes on window
    const { setLocale } = configureLocalization({ sourceLocale: 'en', targetLocales: ['zh-Hans'], loadLocale: () => import('../../src/i18n/generated/locales/zh-Hans') });
    await setLocale('zh-Hans');
    expect(msg('New chat')).toBe('新对话');
    const layer = 3;
    expect(msg(str`Layer ${layer}, head ${2}`)).toBe('第 3 层，第 2 个头');
    expect(msg(str`Causal: ${10} of ${16} pairs allowed (each token sees itself and the tokens before it).`)).toBe('因果：16 对中允许 10 对（每个词元只看到自己和前面的词元）。');
  });
});
