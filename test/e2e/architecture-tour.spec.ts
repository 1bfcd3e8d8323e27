/**
 * The lesson's guided tour (issue 24, item 1) and its sampling playground (item 2). The tour starts
 * from a button named for it, says "k / N", moves with the arrow keys and its buttons, puts its
 * step in the URL (a link opens on it), and at 1280×720 and 1920×1080, in English and 中文, every
 * step's card is on screen, its live element starts above the card, nothing scrolls sideways, and
 * axe finds nothing; in presentation mode each step is on its slide. The playground's sliders
 * reshape the bars with the chat's sampler, greying what they remove.
 */
import type { Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';

async function position(page: Page): Promise<{ at: number; of: number }> {
  const [at, of] = ((await page.getByTestId('tour-position').textContent()) ?? '').match(/\d+/g)!.map(Number);
  return { at, of };
}

/** Where the tour's card, its outline and the page are, for the failure message. */
async function layout(page: Page) {
  return page.evaluate(() => {
    const panel = document.querySelector('tl-app')!.shadowRoot!.querySelector('tl-architecture-panel')!.shadowRoot!;
    const tour = panel.querySelector('tl-lesson-tour')!.shadowRoot!;
    const card = tour.querySelector('.card')!.getBoundingClientRect();
    const spot = tour.querySelector('.spot')?.getBoundingClientRect() ?? null;
    const pageScroller = document.scrollingElement!;
    return {
      cardOnScreen: card.top >= 0 && card.left >= 0 && card.bottom <= innerHeight + 0.5 && card.right <= innerWidth + 0.5,
      // The element's start (its outline's top edge, 6 px above it) is on screen and above the card.
      targetStartsAboveCard: spot !== null && spot.top + 6 >= -0.5 && spot.top + 6 < card.top,
      sideways: pageScroller.scrollWidth > innerWidth + 1,
    };
  });
}

for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
  for (const lang of ['en', 'zh'] as const) {
    test(`the guided tour at ${width}×${height} in ${lang}: every step on screen, pointing at its element, axe-clean`, async ({ page, backend }) => {
      test.skip(backend === 'webgpu', 'layout only: one backend is enough');
      test.setTimeout(480_000);
      await page.setViewportSize({ width, height });
      await page.goto('./?panel=architecture&backend=wasm');
      if (lang === 'zh') await page.getByRole('button', { name: '中文' }).click();
      await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
      await expect(page.getByTestId('ernie-bert-table')).toBeVisible({ timeout: 60_000 });
      await page.getByRole('button', { name: lang === 'en' ? /tour/i : /导览/ }).first().click();
      const { of: steps } = await position(page);
      expect(steps).toBeGreaterThanOrEqual(10);
      expect(steps).toBeLessThanOrEqual(15);
      for (let k = 1; k <= steps; k++) {
        await expect(page.getByTestId('tour-position')).toHaveText(`${k} / ${steps}`);
        await expect(page).toHaveURL(new RegExp(`architecture_tour=${k}(&|$)`));
        const id = await page.getByTestId('tour').getAttribute('data-step');
        await expect.poll(() => layout(page), { message: `step ${k} (${id}) fits`, timeout: 20_000 })
          .toEqual({ cardOnScreen: true, targetStartsAboveCard: true, sideways: false });
        // The whole page once (the card over the lesson), then what each step changes: the card.
        const axe = await (k === 1 ? new AxeBuilder({ page }) : new AxeBuilder({ page }).include({ fromShadowDom: ['tl-app', 'tl-architecture-panel', 'tl-lesson-tour'] })).analyze();
        expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `step ${k} (${id})`).toEqual([]);
        // The arrow key and the button both move it.
        if (k % 2) await page.keyboard.press('ArrowRight');
        else if (k < steps) await page.getByTestId('tour-next').click();
      }
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('tour')).toHaveCount(0);
      await expect(page).not.toHaveURL(/architecture_tour=/);
    });
  }
}

test('a tour link opens on its step, and the tour follows the slides in presentation mode', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'layout only: one backend is enough');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?panel=architecture&backend=wasm&architecture_tour=5');
  await expect(page.getByTestId('tour-position')).toHaveText(/^5 \/ \d+$/);
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', 'causal-mask');
  await expect(page.getByTestId('column-encoder')).toBeVisible({ timeout: 180_000 });
  await page.getByTestId('present').click();
  await expect(page.locator('section.current')).toHaveAttribute('data-section', 'masks');
  await expect(page.locator('section.current')).toHaveAttribute('data-part', 'decoder');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tour-position')).toHaveText(/^6 \//);
  await expect(page.locator('section.current')).toHaveAttribute('data-part', 'encoder');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', 'sampling');
  await expect(page.locator('section.current')).toHaveAttribute('data-part', 'sampling');
  await expect.poll(() => layout(page), { timeout: 20_000 }).toEqual({ cardOnScreen: true, targetStartsAboveCard: true, sideways: false });
  // Closing the tour gives the arrow keys back to the slides.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  const before = await page.getByTestId('slide-position').textContent();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('slide-position')).not.toHaveText(before!);
});

test('the sampling playground greys what top-k and top-p remove, shows the kept mass and draws 100 times', async ({ page, backend }) => {
  // On SwiftShader the worker answers the playground after the lesson's other first requests (maps, heads): slow.
  test.setTimeout(backend === 'webgpu' ? 600_000 : 240_000);
  await page.goto(`./?panel=architecture&backend=${backend}`);
  const playground = page.locator('tl-sampling-playground');
  const kept = playground.getByTestId('kept-mass');
  await expect(kept).toHaveAttribute('data-kept-count', '4096', { timeout: backend === 'webgpu' ? 480_000 : 180_000 });
  expect(Number(await kept.getAttribute('data-kept-mass'))).toBeCloseTo(1, 6);
  const rows = playground.locator('tbody tr');
  await expect(rows.locator('[data-kept=false]')).toHaveCount(0);
  await expect(playground.locator('tbody tr[data-kept=false]')).toHaveCount(0);

  // Top-k 3: three bars stay, the rest are struck out, and the kept mass is theirs.
  await playground.getByTestId('playground-topK').fill('3');
  await expect(kept).toHaveAttribute('data-kept-count', '3');
  await expect(playground.locator('tbody tr[data-kept=true]')).toHaveCount(3);
  await expect(playground.locator('tbody tr[data-kept=false]')).toHaveCount(5);
  const massK3 = Number(await kept.getAttribute('data-kept-mass'));
  expect(massK3).toBeGreaterThan(0);
  expect(massK3).toBeLessThan(1);

  // Top-p below the top token's share keeps that token alone.
  await playground.getByTestId('playground-topP').fill('0.05');
  await expect(kept).toHaveAttribute('data-kept-count', '1');

  // 100 draws: all on the one token kept.
  await playground.getByTestId('playground-sample').click();
  await expect(playground.locator('tbody tr').first()).toHaveAttribute('data-count', '100');

  // Everything off again, then 100 draws spread over the distribution and add up to 100.
  await playground.getByRole('button', { name: 'All off' }).click();
  await expect(kept).toHaveAttribute('data-kept-count', '4096');
  await playground.getByTestId('playground-sample').click();
  await expect.poll(async () => (await playground.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-count') ?? 0)))).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});

test('the chat’s sampling settings link to the playground, which opens on its tour step', async ({ page, backend }) => {
  test.skip(backend === 'webgpu', 'navigation only: one backend is enough');
  await page.goto('./?backend=wasm');
  await page.getByTestId('sampling-help').getByRole('link', { name: /sampling playground/ }).click();
  await expect(page).toHaveURL(/panel=architecture/);
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', 'sampling');
  await expect(page.locator('tl-sampling-playground').getByTestId('kept-mass')).toBeVisible({ timeout: 180_000 });
});
