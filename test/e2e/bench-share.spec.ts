/**
 * Benchmark results people can share and compare: a run's link opened in a fresh browser profile shows
 * the same figures; damaged links say what is wrong; three results compare at 1280×720 without
 * overflow and axe finds nothing; the correctness probe passes on this device and flags a planted fault.
 * Few tokens, and no assertion on any time.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

async function runFromUrl(page: Page, params: Record<string, string | number>): Promise<void> {
  const query = new URLSearchParams(Object.entries({ bench_autorun: 1, bench_prompt: 8, bench_new: 6, bench_warmup: 0, bench_runs: 2, ...params }).map(([k, v]) => [k, String(v)]));
  await page.goto(`./bench.html?${query}`);
  await expect(page.getByTestId('bench-state')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
}

/** The figures a reader compares: each results row's cells, and the date. */
async function figures(page: Page): Promise<{ rows: string[]; date: string }> {
  const rows = await page.getByTestId('bench-results').locator('tbody tr').allInnerTexts();
  return { rows, date: (await page.getByTestId('bench-date').innerText()).replace(/^.*\(/, '') };
}

test("a run's share link, opened in a fresh browser profile, shows the same figures", async ({ page, backend, modelServer, browser }) => {
  await runFromUrl(page, { bench_model: modelServer.fixtureUrl, bench_backends: backend });
  const mine = await figures(page);
  expect(mine.rows).toHaveLength(1);
  const link = page.getByTestId('bench-share-link');
  await expect(link).toHaveValue(/#result=2\./);
  const url = await link.inputValue();
  // A fresh profile: no storage, no history, nothing but the link.
  const context = await browser.newContext();
  try {
    const other = await context.newPage();
    await other.goto(url);
    await expect(other.getByTestId('bench-shared-note')).toBeVisible();
    expect(await figures(other)).toEqual(mine);
    await expect(other.getByTestId('latency-chart')).toBeVisible();
    await expect(other.getByTestId('bench-ceiling')).toContainText('tok/s');
    await expect(other.getByTestId('bench-environment')).toContainText('stories260k');
    // Read-only: nothing ran there.
    await expect(other.getByTestId('bench-progress')).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('a truncated, tampered or future link says so, and shows no broken view', async ({ page, backend, modelServer }) => {
  await runFromUrl(page, { bench_model: modelServer.fixtureUrl, bench_backends: backend, bench_runs: 1, bench_new: 3 });
  const url = await page.getByTestId('bench-share-link').inputValue();
  const [base, fragment] = url.split('#result=');
  const [version, data, checksum] = fragment.split('.');
  const flipped = `${data.slice(0, 10)}${data[10] === 'A' ? 'B' : 'A'}${data.slice(11)}`;
  const cases: [string, RegExp][] = [
    [`${base}#result=${version}.${data.slice(0, -40)}`, /incomplete/],
    [`${base}#result=${version}.${flipped}.${checksum}`, /changed after it was made/],
    [`${base}#result=9.${data}.${checksum}`, /newer version.*version 9/],
  ];
  for (const [link, message] of cases) {
    await page.goto('about:blank');
    await page.goto(link);
    await expect(page.getByTestId('bench-link-error')).toContainText(message);
    await expect(page.getByTestId('bench-results')).toHaveCount(0);
    // The way back to a working page.
    await page.getByRole('button', { name: 'Run the benchmark on this device' }).click();
    await expect(page.getByRole('button', { name: 'Run benchmark' })).toBeVisible();
  }
});

test('three results compare side by side at 1280×720, with no overflow and nothing for axe', async ({ page, backend, modelServer }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  // Two runs on this machine (the first is kept in its history) and the shipped reference result.
  await runFromUrl(page, { bench_model: modelServer.fixtureUrl, bench_backends: backend, bench_runs: 1, bench_new: 3 });
  await runFromUrl(page, { bench_model: modelServer.fixtureUrl, bench_backends: backend, bench_runs: 1, bench_new: 3 });
  await page.getByRole('tab', { name: 'Compare' }).click();
  const compare = page.getByTestId('bench-compare');
  await expect(compare.locator('label.pick[data-origin=reference]')).not.toHaveCount(0);
  for (const origin of ['this-run', 'history', 'reference']) await compare.locator(`label.pick[data-origin=${origin}] input`).first().check();
  const table = page.getByTestId('bench-compare-table');
  await expect(table.locator('thead th')).toHaveCount(4);
  await expect(table).toContainText('(baseline)');
  await expect(page.getByTestId('bench-compare-bars').first()).toBeVisible();
  const overflow = await page.evaluate(() => {
    const panel = document.querySelector('tl-bench-panel')!;
    const view = panel.shadowRoot!.querySelector('tl-bench-compare')!;
    const wide = [...view.shadowRoot!.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).map((el) => el.tagName);
    return { page: document.documentElement.scrollWidth > window.innerWidth, wide };
  });
  expect(overflow).toEqual({ page: false, wide: [] });
  const axe = await new AxeBuilder({ page }).include('tl-bench-panel').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});

test('the correctness probe passes on this device, and flags a fault planted in one WebGPU logit', async ({ page, backend, modelServer }) => {
  test.skip(backend !== 'webgpu', 'needs both backends; runs once, in the webgpu project');
  const settings = { bench_model: modelServer.fixtureUrl, bench_backends: 'webgpu,wasm', bench_runs: 1, bench_new: 3 };
  await runFromUrl(page, settings);
  const probe = page.getByTestId('bench-probe');
  await expect(probe).toHaveAttribute('data-verdict', 'match');
  await expect(probe).toContainText("This device's results match");
  await expect(page.getByTestId('bench-markdown')).toContainText("this device's results match");

  await runFromUrl(page, { ...settings, debug: 1, bench_fault: 'logit' });
  await expect(probe).toHaveAttribute('data-verdict', 'differ');
  await expect(probe).toHaveAttribute('data-first', '3');
  await expect(probe).toContainText('differ: first at token 3');
  await expect(probe).toContainText('planted on purpose');
  // The verdict travels with the result: the JSON, and the compare view marks it.
  const report = JSON.parse((await page.getByTestId('bench-json').textContent()) ?? '{}') as { probe: { verdict: string }[] };
  expect(report.probe.map((p) => p.verdict)).toEqual(['differ']);
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('bench-compare').locator('label.pick[data-origin=this-run]').filter({ hasText: 'webgpu' })).toContainText('failed the correctness probe');
});
