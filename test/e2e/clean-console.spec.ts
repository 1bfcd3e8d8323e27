/**
 * A normal load of each tab is quiet: no console error or warning (no 404, no runtime warning printed
 * as an error) and no address requested twice (no HEAD before each GET, no request aborted and sent
 * again, and on the Architecture tab, where the chat's worker and the lesson's both open tl-gpt and
 * the runtime, each file fetched by one of them only).
 */
import { test, expect } from './fixtures';

const TABS = ['chat', 'models', 'bench', 'architecture'] as const;

for (const panel of TABS) {
  test(`a normal load of the ${panel} tab logs no error or warning and requests no address twice`, async ({ page, backend }) => {
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
    if (panel === 'architecture') {
      // The lesson's own model has loaded too, so every file both workers need has been asked for.
      await page.getByRole('tab', { name: 'Architecture' }).click();
      await expect(page.getByTestId('next-token-bars')).toHaveAttribute('data-top-id', /\d/, { timeout: 180_000 });
      await page.waitForLoadState('networkidle');
      expect(requests.filter((request) => request.includes('/models/tl-gpt/onnx/')).length, requests.join('\n')).toBe(1);
    }
    const twice = requests.filter((request, i) => requests.indexOf(request) !== i);
    expect(twice, requests.join('\n')).toEqual([]);
    expect(messages).toEqual([]);
  });
}
