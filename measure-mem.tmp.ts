// One-off: renderer RSS with the lesson loaded, old build (two decoder sessions) vs new (one).
import { chromium } from '@playwright/test';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromiumLaunchOptions } from './test/support/chromium.mjs';
import { startHubServer } from './test/support/hub-server';

const FIX = '/tmp/tl-export-fixtures-0c4e2ea73efede09/test-org/qwen-optimum';
const builds = { old: '/tmp/lesson-old/dist', new: '/work/wt-lesson/dist-lesson' };
const cmd = (pid: number) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'); } catch { return []; } };
const ppid = (pid: number) => { try { return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]); } catch { return -1; } };
const rss = (pid: number) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024; } catch { return 0; } };
function rendererRss(profile: string): number {
  const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number);
  let total = 0;
  for (const p of pids) {
    const line = cmd(p).join(' ');
    if (line.includes('--type=renderer') && line.includes(profile)) total += rss(p);
  }
  return total;
}
const hub = await startHubServer({ 'test-org/qwen-optimum': { dir: FIX } });
const results: Record<string, number[]> = {};
for (let round = 0; round < 3; round++) for (const [name, dir] of Object.entries(builds)) for (const model of ['embedded', 'qwen-fp32']) {
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', '4412', '--strictPort', '--outDir', dir], { stdio: 'ignore', detached: true });
  await new Promise((r) => setTimeout(r, 4000));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'lesson-mem-profile-'));
  const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions({ webgpu: false }));
  const page = context.pages()[0] ?? (await context.newPage());
  try {
    await page.goto(`http://127.0.0.1:4412/?panel=architecture&backend=wasm&hub=${encodeURIComponent(hub.origin)}`);
    await page.getByTestId('column-decoder').waitFor({ timeout: 180_000 });
    if (model === 'qwen-fp32') {
      await page.getByTestId('lesson-model-input').fill('test-org/qwen-optimum');
      await page.getByTestId('lesson-model-choose').click();
      const confirm = page.locator('tl-lesson-models').getByTestId('model-confirm');
      await confirm.getByRole('radio', { name: 'fp32', exact: true }).check();
      await confirm.getByTestId('confirm-download').click();
      await page.locator('h3', { hasText: 'qwen-optimum' }).first().waitFor({ timeout: 180_000 });
    }
    await page.locator('tl-head-inside').nth(0).getByTestId('head-inside-table').waitFor({ timeout: 180_000 });
    await page.getByTestId('next-token-bars').and(page.locator('[data-top-id]:not([data-top-id=""])')).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    const bytes = rendererRss(profile);
    (results[`${name} ${model}`] ??= []).push(bytes);
    console.log(round, name, model, (bytes / 2 ** 20).toFixed(1), 'MiB');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    process.kill(-server.pid!);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
await hub.close();
for (const [k, v] of Object.entries(results)) console.log(k, v.map((b) => (b / 2 ** 20).toFixed(1)).join(' '), 'median', (v.sort((a, b) => a - b)[1] / 2 ** 20).toFixed(1));
