/**
 * The language switch: after choosing 中文, no English message of the app is left on the chat, models,
 * benchmark or architecture panels (text, labels, titles, placeholders), nor on the benchmark's results
 * after a tiny run; no run of two English words is left anywhere but in names (issue 14, "no English
 * left in 中文"); an error already shown is worded again; the choice survives a reload, and English
 * comes back.
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
  await expect(page.getByTestId('bench-ceiling')).toContainText('词元/秒');
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

/** Two English words in a row ("New chat", "embedded decoder"): the sign of a sentence left untranslated. */
const ENGLISH_RUN = /[A-Za-z][A-Za-z'-]+[ \u00a0]+[A-Za-z][A-Za-z'-]+/g;
/** What stays English in the Chinese interface: names (of the app, the Hub, licenses, GPUs) and file names. */
const NAMES = [/Transformer Lab/g, /Hugging Face/g, /Llama [\d.]+ Community License/g, /NVIDIA RTX/g, /[\w./-]+\.(?:json|onnx|onnx_data|csv|md)\b/g];
/**
 * English that other work of this round removes (reported to the lead): remove an entry once it is gone,
 * the test says so. The architecture panel's sentence is the lecturer's text, but its default should
 * follow the language (issue 14).
 */
const LEFT_ELSEWHERE: { text: RegExp; where: string }[] = [];
// Model output, what the user typed, the tokens of the sentence under study, the machine's own description and citations (authors' names) are data.
const USER_DATA = '.content, [data-tokens], .tok, .token, tl-token-picker, tl-mask-grid, [data-testid=bench-environment] dd, cite';

/** The choices of every visible <select> and every <datalist> (the suggestions under a field), through shadow roots. */
async function optionTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if ((el instanceof HTMLSelectElement && el.checkVisibility()) || el instanceof HTMLDataListElement) {
          for (const option of el.querySelectorAll('option')) if (option.text.trim()) out.push(option.text.trim());
        }
      }
    };
    visit(document);
    return out;
  });
}

/** The runs of English words left once names are taken out, with the text they are in. */
function englishRuns(strings: string[]): string[] {
  return [...new Set(strings)].filter((text) => NAMES.reduce((rest, name) => rest.replace(name, ' '), text).match(ENGLISH_RUN));
}

test('the Chinese interface of every panel has no run of English words but names, with the embedded model loaded', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'the interface language does not depend on the backend');
  const seen: string[] = [];
  const check = async (what: string) => {
    const strings = [...(await visibleStrings(page, USER_DATA)), ...(await optionTexts(page))];
    expect(strings.length, `${what}: the check reads the panel`).toBeGreaterThan(10);
    const runs = englishRuns(strings);
    seen.push(...runs);
    expect(runs.filter((run) => !LEFT_ELSEWHERE.some((known) => known.text.test(run))), what).toEqual([]);
  };

  await page.goto('./?panel=chat&backend=wasm&max_new_tokens=8');
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByTestId('backend-badge')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('model-name')).toContainText('tl-gpt');
  await check('the chat, before a message');
  await page.locator('textarea').first().fill('你好');
  await page.getByRole('button', { name: '发送' }).click();
  await expect(page.locator('[data-role=assistant]').first()).toHaveAttribute('data-streaming', 'false', { timeout: 60_000 });
  await check('the chat, after a reply');

  await page.getByRole('tab', { name: '模型' }).click();
  await expect(page.getByRole('tab', { name: '模型' })).toHaveAttribute('aria-selected', 'true');
  await check('the models tab');
  await page.getByRole('tab', { name: '基准测试' }).click();
  await expect(page.getByRole('button', { name: '运行基准测试' })).toBeVisible();
  await check('the benchmark tab');
  await page.getByRole('tab', { name: '架构' }).click();
  await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
  await check('the architecture tab');

  // The English the check finds in English is what it would find left in Chinese.
  await page.getByRole('button', { name: 'English' }).click();
  expect(englishRuns(await visibleStrings(page, USER_DATA)).length, 'the check sees English').toBeGreaterThan(20);
  for (const known of LEFT_ELSEWHERE) expect(seen.some((run) => known.text.test(run)), `"${known.text.source}" is gone: remove it from LEFT_ELSEWHERE`).toBe(true);
});

test('an error already on screen is worded again when the language changes', async ({ page, backend, modelServer }) => {
  test.skip(backend === 'webgpu', 'the interface language does not depend on the backend');
  const folder = `${modelServer.origin}/scratch/no-such-model/`;
  await page.goto('./?panel=models&backend=wasm');
  await page.locator('input[name=hub-id]').fill(folder);
  await page.getByRole('button', { name: 'Look up' }).click();
  const error = page.getByTestId('confirm-error');
  await expect(error).toContainText(`There is no model at ${folder}`);
  await page.getByRole('button', { name: '中文' }).click();
  await expect(error).toContainText(`${folder} 处没有模型`);
  await expect(error).not.toContainText('There is no model');
});
