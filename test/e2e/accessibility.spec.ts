/**
 * Accessibility (issue 14, item 8): axe-core finds no violation on any tab, in English and 中文,
 * with the embedded models loaded.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';

const TABS = [
  { panel: 'chat', ready: 'backend-badge' },
  { panel: 'models', ready: null },
  { panel: 'bench', ready: null },
  { panel: 'architecture', ready: 'ernie-bert-table' },
] as const;

for (const lang of ['en', 'zh'] as const) {
  test(`axe finds no violation on any tab in ${lang}`, async ({ page, backend }) => {
    test.skip(backend === 'webgpu', 'the markup does not depend on the backend');
    for (const { panel, ready } of TABS) {
      await page.goto(`./?panel=${panel}&backend=wasm`);
      if (lang === 'zh') await page.getByRole('button', { name: '中文' }).click();
      if (ready) await expect(page.getByTestId(ready)).toBeVisible({ timeout: 120_000 });
      await expect(page.locator('main')).toHaveCount(1);
      const result = await new AxeBuilder({ page }).analyze();
      expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `${panel} in ${lang}`).toEqual([]);
    }
  });
}
