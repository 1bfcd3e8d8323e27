/**
 * A normal load of each tab is quiet: no console error or warning (no 404, no runtime warning printed
 * as an error) and, on the tabs that load one model, no address requested twice (no HEAD before each
 * GET, no request aborted and sent again).
 */
import { test, expect } from './fixtures';

const TABS = ['chat', 'models', 'bench', 'architecture'] as const;

for (const panel of TABS) {
  test(`a normal load of the ${panel} tab logs no error or warning${panel === 'architecture' ? '' : ' and requests no address twice'}`, async ({ page, backend }) => {
    const messages: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') messages.push(`${message.type()}: ${message.text()}`);
    });
    page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
    page.on('requestfailed', (request) => messages.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() >= 400) messages.push(`${response.status()}: ${response.url()}`);
    });
    await page.goto(`./?panel=${panel}&backend=${backend}`);
    await page.waitForLoadState('networkidle');
    // The chat's model loads whatever the tab: the Chat tab (same page) shows when that load ended.
    await page.getByRole('tab', { name: 'Chat' }).click();
    await expect(page.getByTestId('backend-badge')).toHaveText(backend, { timeout: 120_000 });
    await page.waitForLoadState('networkidle');
    expect(messages).toEqual([]);
    if (panel !== 'architecture') {
      const twice = requests.filter((request, i) => requests.indexOf(request) !== i);
      expect(twice, requests.join('\n')).toEqual([]);
    }
  });
}
