/**
 * Projector-ready (issue 14, item 4): at 1280×720 and 1920×1080, in English and 中文, every slide of
 * presentation mode fits the screen (nothing to scroll, nothing cut off on the right) and draws no
 * label below 18 px, zoom included; a sentence too long for a readable grid is drawn as lines.
 */
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { renderedLabels } from '../support/rendered-labels';

const PROJECTOR_MIN_PX = 18;

/** Labels of the panel drawn below `min` px: "element “text” 14.2px", for the failure message. */
async function smallLabels(page: Page, min: number, selector = 'tl-architecture-panel'): Promise<string[]> {
  const labels = await page.locator(selector).evaluate(renderedLabels);
  return labels.filter((l) => l.px < min).slice(0, 8).map((l) => `${l.element} “${l.text}” ${l.px}px`);
}

async function slidePosition(page: Page): Promise<{ at: number; of: number }> {
  const [at, of] = ((await page.getByTestId('slide-position').textContent()) ?? '').match(/\d+/g)!.map(Number);
  return { at, of };
}

for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
  for (const lang of ['en', 'zh'] as const) {
    test(`every slide fits ${width}×${height} in ${lang}, with labels of at least 18 px`, async ({ page, backend }) => {
      test.skip(backend === 'webgpu', 'layout only: one backend is enough');
      await page.setViewportSize({ width, height });
      await page.goto('./?panel=architecture&backend=wasm');
      if (lang === 'zh') await page.getByRole('button', { name: '中文' }).click();
      await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
      await expect(page.getByTestId('ernie-bert-table')).toBeVisible({ timeout: 60_000 });
      await page.getByTestId('present').click();
      const { of: slides } = await slidePosition(page);
      // Dense sections are cut into several slides: more slides than the lecture's seven sections.
      expect(slides).toBeGreaterThan(7);
      for (let s = 1; s <= slides; s++) {
        await expect.poll(async () => (await slidePosition(page)).at).toBe(s);
        const id = await page.locator('section.current').getAttribute('data-section');
        const measure = () => page.locator('tl-architecture-panel').evaluate((host) => {
          const overflowing: string[] = [];
          const visit = (root: ShadowRoot | Element) => {
            for (const el of root.querySelectorAll('*')) {
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.height > 0 && r.right > window.innerWidth + 1) overflowing.push(`${el.tagName.toLowerCase()}.${el.className} right ${Math.round(r.right)}`);
              if (el.shadowRoot) visit(el.shadowRoot);
            }
          };
          visit(host.shadowRoot!);
          return { scroll: host.scrollHeight, client: host.clientHeight, doc: document.documentElement.scrollHeight, view: window.innerHeight, overflowing: overflowing.slice(0, 5) };
        });
        // The slide settles once its content has arrived (predictions, maps) and been fitted.
        await expect.poll(async () => {
          const fit = await measure();
          return { scrolls: fit.scroll > fit.client, pageScrolls: fit.doc > fit.view, cutOff: fit.overflowing, small: await smallLabels(page, PROJECTOR_MIN_PX) };
        }, { message: `slide ${s} (${id}): fits, and no label below ${PROJECTOR_MIN_PX} px`, timeout: 5_000 }).toEqual({ scrolls: false, pageScrolls: false, cutOff: [], small: [] });
        await page.keyboard.press('ArrowRight');
      }
    });
  }
}

test('a long sentence is drawn as lines whose weights are the attention map’s, none to a later token in the decoder', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'layout only: the weights are checked against the map shown, on one backend');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?panel=architecture&backend=wasm');
  await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
  await page.getByLabel('Sentence for both models').fill('As Mark Twain said, the report of my death was an exaggeration, and he lived on for years in Hartford.');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const decoder = page.getByTestId('heatmap-decoder');
  const encoder = page.getByTestId('heatmap-encoder');
  // Too many tokens for a readable grid: lines, with screen-size labels.
  await expect.poll(() => decoder.evaluate((el) => el.tagName.toLowerCase()), { timeout: 60_000 }).toBe('tl-attention-lines');
  await expect.poll(() => encoder.evaluate((el) => el.tagName.toLowerCase())).toBe('tl-attention-lines');
  expect(await smallLabels(page, 12, '[data-testid=heatmap-decoder]')).toEqual([]);

  // Focusing one query keeps its lines only, and each line's opacity and width are its weight.
  const query = 6;
  await decoder.locator(`button[data-side=query][data-index="${query}"]`).focus();
  const drawn = await decoder.evaluate((el, q) => {
    const view = el as unknown as { matrix: Float32Array; tokens: string[] };
    const n = view.tokens.length;
    const shown = [...el.shadowRoot!.querySelectorAll('svg line:not(.off)')].map((line) => ({
      query: Number(line.getAttribute('data-query')), key: Number(line.getAttribute('data-key')),
      opacity: Number(line.getAttribute('stroke-opacity')), width: Number(line.getAttribute('stroke-width')),
    }));
    const all = [...el.shadowRoot!.querySelectorAll('svg line')].map((line) => [Number(line.getAttribute('data-query')), Number(line.getAttribute('data-key'))]);
    const full = Number(el.shadowRoot!.querySelector('svg')!.getAttribute('data-full-weight'));
    return { shown, full, row: Array.from(view.matrix.slice(q * n, q * n + n)), future: all.filter(([a, b]) => b > a).length, n };
  }, query);
  expect(drawn.n).toBeGreaterThan(29);
  expect(drawn.shown.length).toBeGreaterThan(0);
  expect(drawn.shown.every((l) => l.query === query)).toBe(true);
  expect(drawn.shown.map((l) => l.key).sort((a, b) => a - b)).toEqual(drawn.row.map((w, k) => (k <= query && w > 0 ? k : -1)).filter((k) => k >= 0));
  // The strongest of the token's lines is drawn at full strength; every line in proportion to its weight.
  expect(drawn.full).toBeCloseTo(Math.max(...drawn.row.slice(0, query + 1)), 6);
  for (const line of drawn.shown) {
    expect(line.opacity * drawn.full, `opacity of the line ${query} → ${line.key}`).toBeCloseTo(drawn.row[line.key], 5);
    expect((line.width / 6) * drawn.full, `width of the line ${query} → ${line.key}`).toBeCloseTo(drawn.row[line.key], 5);
  }
  expect(drawn.future, 'decoder lines to a later token').toBe(0);
  // The encoder looks both ways: it has such lines (so the check above can fail).
  expect(await encoder.evaluate((el) => [...el.shadowRoot!.querySelectorAll('svg line')].filter((l) => Number(l.getAttribute('data-key')) > Number(l.getAttribute('data-query'))).length)).toBeGreaterThan(0);

  // Its tokens are buttons a keyboard reaches, and axe finds nothing to fix in it.
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // The lecturer can switch to the grid and back.
  await page.locator('tl-attention-view').first().locator('button[data-layout=grid]').click();
  await expect.poll(() => decoder.evaluate((el) => el.tagName.toLowerCase())).toBe('tl-heatmap');
  await page.locator('tl-attention-view').first().locator('button[data-layout=lines]').click();
  await expect.poll(() => decoder.evaluate((el) => el.tagName.toLowerCase())).toBe('tl-attention-lines');

  // On a projector its labels are 18 px, and the slide still fits.
  await page.getByTestId('present').click();
  while ((await page.locator('section.current').getAttribute('data-section')) !== 'attention') await page.keyboard.press('ArrowRight');
  await expect(decoder).toBeVisible();
  await expect.poll(() => smallLabels(page, PROJECTOR_MIN_PX), { timeout: 5_000 }).toEqual([]);
  const host = await page.locator('tl-architecture-panel').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
  expect(host.scroll).toBeLessThanOrEqual(host.client);
});

test('normal mode uses a wide screen, not a narrow column', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'layout only: one backend is enough');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./?panel=architecture&backend=wasm');
  const box = await page.locator('tl-architecture-panel').boundingBox();
  expect(box!.width).toBeGreaterThan(1600);
});

/**
 * What each slide is about, by `section/part`: the elements whose boxes together are its main table,
 * grid, map or chart (a comparison's two sides together). Slides of text or a form carry no such
 * element. A slide missing here fails the test below until someone says what it shows.
 */
const SLIDE_VISUALS: Record<string, string[] | null> = {
  'transformer/numbers': ['[data-testid=column-decoder]', '[data-testid=column-encoder]'],
  'transformer/path': ['ol'],
  'tasks/decoder': ['[data-testid=next-token-bars]'],
  'tasks/sampling': ['[data-testid=playground-bars]'],
  'tasks/encoder': ['[data-testid^=mask-predictions-]'],
  'masks/decoder': ['[data-testid=mask-causal]'],
  'masks/encoder': ['[data-testid=mask-full]'],
  'attention/decoder-map': ['[data-testid=heatmap-decoder]'],
  'attention/encoder-map': ['[data-testid=heatmap-encoder]'],
  'attention/decoder-inside': ['[data-testid=head-inside-table]'],
  'attention/encoder-inside': ['[data-testid=head-inside-table]'],
  // The decoder's cache table beside the encoder's measured change: the comparison is the slide.
  'kv/': ['[data-testid=kv-history]', '[data-testid=prefix-change]'],
  'ernie/compare': ['[data-testid=ernie-bert-table]'],
  'ernie/why': null,
  'scale/chart': ['[data-testid=scale-chart]'],
  'scale/table': ['[data-testid=family-table]'],
  'scale/calculator': null,
};

/**
 * A 1920×1080 projector is limited by its height before its width: a table or map sized for 1280
 * leaves half the screen empty. 60 % of the slide's width is what a map or table beside its caption
 * (the mask grid, the attention map with its pickers) can take while the caption stays readable.
 */
const WIDE_SHARE = 0.6;

test('at 1920×1080 each slide’s table, grid, map or chart spans at least 60 % of the slide’s width', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'layout only: one backend is enough');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('./?panel=architecture&backend=wasm');
  await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('ernie-bert-table')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('present').click();
  const { of: slides } = await slidePosition(page);
  for (let s = 1; s <= slides; s++) {
    await expect.poll(async () => (await slidePosition(page)).at).toBe(s);
    const current = page.locator('section.current');
    const key = `${await current.getAttribute('data-section')}/${(await current.getAttribute('data-part')) ?? ''}`;
    expect(Object.keys(SLIDE_VISUALS), `slide ${s} (${key}) is listed`).toContain(key);
    const selectors = SLIDE_VISUALS[key];
    if (selectors) {
      const share = () => current.evaluate((section, wanted) => {
        const boxes: DOMRect[] = [];
        const visit = (root: Element | ShadowRoot) => {
          for (const selector of wanted) for (const el of root.querySelectorAll(selector)) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.height > 0) boxes.push(r);
          }
          for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
        };
        visit(section);
        if (!boxes.length) return 0;
        const left = Math.min(...boxes.map((b) => b.left));
        const right = Math.max(...boxes.map((b) => b.right));
        return (right - left) / section.getBoundingClientRect().width;
      }, selectors);
      // Content arrives from the worker after the slide shows: the share settles once it has.
      await expect.poll(share, { message: `slide ${s} (${key}): its ${selectors.join(' + ')} across the width`, timeout: 10_000 }).toBeGreaterThanOrEqual(WIDE_SHARE);
    }
    await page.keyboard.press('ArrowRight');
  }
});
