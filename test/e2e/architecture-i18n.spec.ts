/**
 * The language switch: after choosing 中文, no English message of the app's catalog is left on the
 * chat, models, benchmark or architecture panels (text, labels, titles, placeholders), nor on the benchmark's
 * results after a tiny run; the choice survives a reload, and English comes back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { REPO_ROOT } from '../support/paths';
import { parseXliff } from '../../scripts/i18n/xliff';

/** Every message of the app (`{0}` for expressions) → its Chinese, from the XLIFF lit-localize builds from. */
const ZH_HANS: Readonly<Record<string, string>> = Object.fromEntries(
  parseXliff(readFileSync(path.join(REPO_ROOT, 'xliff/zh-Hans.xlf'), 'utf8')).map((u) => [u.source, u.target ?? u.source]),
);

/** English fragments that must not be visible in Chinese: whole messages, and long parts of templates. */
function englishFragments(): string[] {
  const fragments = new Set<string>();
  for (const source of Object.keys(ZH_HANS)) {
    if (ZH_HANS[source] === source) continue;
    for (const part of source.split(/\{\d+\}/)) {
      const text = part.trim();
      // Units and names the translation keeps (TFLOP/s, RMSNorm) are not untranslated text.
      if (ZH_HANS[source]?.includes(text)) continue;
      // Short single words can be real tokens of the sentence ("of", "on"); they are checked as whole texts.
      if (/[A-Za-z]{2}/.test(text) && (text.includes(' ') || text.length >= 4)) fragments.add(text);
    }
  }
  return [...fragments];
}

// Token strings, model output and user input are data, not interface.
const DATA = '[data-tokens], .tok, .token, .content, .text, tl-token-picker, tl-mask-grid, option, [data-testid=model-name], svg text, td, th[scope=row]';

/**
 * Visible text nodes and the labels a screen reader reads, through every shadow root: of the whole page,
 * or of one element (a Lit component: its shadow root), leaving out what matches `data`.
 */
async function visibleStrings(target: Page | Locator, data = DATA): Promise<string[]> {
  const element = 'goto' in target ? target.locator(':root') : target;
  return element.evaluate((start, DATA) => {
    const out: string[] = [];
    // closest() stops at a shadow root, so climb from host to host.
    const isData = (start: Element | null): boolean => {
      for (let el = start; el; el = (el.getRootNode() as ShadowRoot).host ?? null) if (el.closest(DATA)) return true;
      return false;
    };
    const visit = (root: Node) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) {
          const parent = node.parentElement;
          const text = node.textContent?.trim();
          if (text && parent && parent.checkVisibility() && !isData(parent)) out.push(text);
          continue;
        }
        const el = node as Element;
        if (el.shadowRoot) visit(el.shadowRoot);
        if ((el as HTMLElement).checkVisibility?.() && !isData(el)) {
          for (const attr of ['aria-label', 'title', 'placeholder']) {
            const value = el.getAttribute(attr);
            if (value) out.push(value);
          }
        }
      }
    };
    visit(start === document.documentElement ? document : (start.shadowRoot ?? start));
    return out;
  }, data);
}

/**
 * Text written without msg() is not in the catalog, so `untranslated` cannot know it: in the Chinese
 * benchmark panel, two lowercase English words in a row are such text (units, ids and names are not).
 */
function englishPhrases(strings: string[]): string[] {
  return strings.filter((s) => /(^|[^A-Za-z])[a-z]{2,} [a-z]{2,}($|[^A-Za-z])/.test(s));
}

function untranslated(strings: string[], fragments: string[]): string[] {
  const whole = new Set(Object.keys(ZH_HANS));
  const escape = (f: string) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Whole words only: "Layer" is untranslated, "LayerNorm" is a name.
  // A single word inside a longer text may be data ("Llama 3.2 Community License"); only phrases are searched for.
  const patterns = fragments.filter((f) => f.includes(' ')).map((f) => new RegExp(`(^|[^A-Za-z])${escape(f)}($|[^A-Za-z])`));
  for (const f of fragments) if (!f.includes(' ')) whole.add(f);
  return [...new Set(strings.filter((s) => (whole.has(s) && !ZH_HANS[s]?.includes(s)) || patterns.some((p) => p.test(s))))];
}

test('the language switch turns every interface string Chinese, and back', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'the interface language does not depend on the backend');
  const fragments = englishFragments();
  await page.goto('./?panel=architecture&backend=wasm');
  await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
  const english = await visibleStrings(page);
  expect(untranslated(english, fragments).length, 'the check sees the English interface').toBeGreaterThan(40);
  expect(englishPhrases(english).length, 'so does the check for text outside msg()').toBeGreaterThan(20);

  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans');
  await expect(page.getByRole('tab', { name: '架构' })).toBeVisible();
  // The diagram's cards and the ERNIE table are part of the interface too.
  await page.getByRole('button', { name: /^嵌入层/ }).first().click();
  await expect(page.getByTestId('explain-card')).toContainText('词元');
  expect(untranslated(await visibleStrings(page), fragments)).toEqual([]);

  await page.getByRole('tab', { name: '对话' }).click();
  await expect(page.getByRole('button', { name: '新对话' })).toBeVisible();
  await expect(page.getByTestId('backend-badge')).toBeVisible({ timeout: 120_000 });
  expect(untranslated(await visibleStrings(page), fragments)).toEqual([]);

  for (const [tab, button] of [['模型', null], ['基准测试', '运行基准测试']] as const) {
    await page.getByRole('tab', { name: tab }).click();
    if (button) await expect(page.getByRole('button', { name: button })).toBeVisible();
    await expect(page.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
    expect(untranslated(await visibleStrings(page), fragments), `the ${tab} tab`).toEqual([]);
  }
  // A tiny benchmark run, so the progress, results, ceiling, charts and notes are checked too: the synthetic
  // tiny model on WASM only, a few tokens, no warm-up, one run.
  await page.locator('input[name=model]').fill('synthetic:tiny');
  await page.locator('input[name=model]').dispatchEvent('change');
  await page.locator('input[name=backend-webgpu]').uncheck();
  for (const [name, value] of [['prompt', 4], ['new', 4], ['warmup', 0], ['runs', 1]] as const) {
    await page.locator(`input[name=${name}]`).fill(String(value));
    await page.locator(`input[name=${name}]`).dispatchEvent('change');
  }
  await page.getByRole('button', { name: '运行基准测试' }).click();
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('bench-results').locator('tr[data-backend=wasm]')).toBeVisible();
  await expect(page.getByTestId('bench-ceiling')).toContainText('tok/s');
  expect(untranslated(await visibleStrings(page), fragments), 'the benchmark results').toEqual([]);
  // The panel alone, its chart text and table cells included; the machine's own descriptions (browser, adapter) are data.
  const bench = await visibleStrings(page.locator('tl-bench-panel'), 'option, [data-testid=bench-environment] dd');
  expect(bench.length, 'the panel is read').toBeGreaterThan(50);
  expect(untranslated(bench, fragments), 'the benchmark panel with its charts and table').toEqual([]);
  expect(englishPhrases(bench), 'English written outside msg()').toEqual([]);
  await page.getByRole('tab', { name: '对话' }).click();

  // Remembered across a reload; English comes back with the switch.
  await page.reload();
  await expect(page.getByRole('button', { name: '新对话' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'New chat' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});
