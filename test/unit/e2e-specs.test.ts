/**
 * Playwright loads the browser specs with its own TypeScript loader, not Vite's: a spec that imports a
 * src module reaching a Vite-only import (`…?url`, as ort-setup.ts has) stops the whole e2e run before
 * any test starts. Listing the tests loads every spec without a browser, so this catches it in seconds.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('browser specs', () => {
  it('every spec under test/e2e loads and lists its tests', () => {
    const specs = readdirSync('test/e2e').filter((f) => f.endsWith('.spec.ts'));
    const listed = execFileSync('npx', ['playwright', 'test', '--list', '--project', 'wasm'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    for (const spec of specs) expect(listed, spec).toContain(`${spec}:`);
  }, 120_000);
});
