/**
 * `npm run bench`'s script end to end: headless Chromium through the built app plus native
 * onnxruntime-node and transformers.js, on the fixture and a tiny synthetic model (transformers.js reads
 * the synthetic one from memory), for the backend under test. The JSON it writes must match the
 * published schema. No assertion on any time.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { test, expect } from './fixtures';
import { FIXTURE_MODEL_DIR, REPO_ROOT } from '../support/paths';
import type { BenchReport } from '../../src/bench/page/report';

const run = promisify(execFile);

test('the CLI measures the fixture and a synthetic model and writes schema-valid JSON', async ({ backend, modelServer }) => {
  const out = path.join(modelServer.scratchDir, `bench-${backend}.json`);
  const { stdout } = await run(
    path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
    ['scripts/bench.ts', '--app', process.env.TL_OUT_DIR ?? 'dist', '--model', FIXTURE_MODEL_DIR, '--model', 'synthetic:tiny',
      '--backend', backend, '--runs', '1', '--warmup', '0', '--prompt', '4', '--new', '4', '--long-context', '32', '--turn-history', '64', '--json', out,
      // transformers.js compiles its own WebGPU shaders, minutes on SwiftShader: compared on WASM only here.
      ...(backend === 'webgpu' ? ['--no-transformersjs'] : [])],
    { cwd: REPO_ROOT, timeout: 200_000 },
  );
  const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/bench-schema.v2.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false }).compile(schema);
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report.source).toBe('cli');
  expect(report.records.map((r) => `${r.model}/${r.engine}/${r.backend}`)).toEqual([
    `stories260k/ours/${backend}`, ...(backend === 'wasm' ? ['stories260k/transformersjs/wasm'] : []), 'stories260k/native/cpu',
    `synthetic:tiny/ours/${backend}`, ...(backend === 'wasm' ? ['synthetic:tiny/transformersjs/wasm'] : []), 'synthetic:tiny/native/cpu',
  ]);
  if (backend === 'wasm') {
    for (const model of ['stories260k', 'synthetic:tiny']) {
      expect(report.ratios.filter((r) => r.model === model).map((r) => r.name)).toContain('ours_over_transformersjs_wasm');
    }
  }
  // Five chat turns with the cache kept, 64 tokens of history before the 5th: time to first token ratio.
  expect(report.ratios.filter((r) => r.name === `ttft_turn5_over_turn1_${backend}`).map((r) => r.model)).toEqual(['stories260k', 'synthetic:tiny']);
  const turns = report.records.find((r) => r.engine === 'ours')?.turns;
  expect(turns?.historyTokens).toBe(64);
  expect(turns?.timeToFirstTokenMs.map((t) => t.n)).toEqual([1, 1, 1, 1, 1]);
  // Decode was measured again with 32 tokens of context, for the flatness ratio.
  expect(report.ratios.filter((r) => r.name === `long_context_over_short_ours_${backend}`).map((r) => r.model)).toEqual(['stories260k', 'synthetic:tiny']);
  if (backend === 'wasm') {
    expect(report.ratios.filter((r) => r.name === 'wasm_over_native').map((r) => r.model)).toEqual(['stories260k', 'synthetic:tiny']);
    // The browser and native runs of the same model choose the same greedy tokens.
    expect(report.consistency.every((c) => c.top1Agreement === 1)).toBe(true);
  }
  // The table is printed for pasting into an issue.
  expect(stdout).toContain('| Model | Engine | Backend |');
  expect(stdout).toContain(`| stories260k | ours | ${backend} |`);
});

test('the CLI measures speed against context length into the same JSON as the page, and refuses a bad ladder', async ({ backend, modelServer }) => {
  test.setTimeout(400_000);
  // A bad ladder is refused before anything starts, with what is wrong.
  const refused = await run(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['scripts/bench.ts', '--curve-ladder', '16,abc'], { cwd: REPO_ROOT, timeout: 60_000 }).then(
    () => null,
    (error: { code?: number; stderr?: string }) => error,
  );
  expect(refused?.code).toBe(1);
  expect(refused?.stderr).toContain('--curve-ladder: "abc" is not a context length from 1 to 32768');

  const out = path.join(modelServer.scratchDir, `bench-curve-${backend}.json`);
  await run(
    path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
    ['scripts/bench.ts', '--app', process.env.TL_OUT_DIR ?? 'dist', '--model', FIXTURE_MODEL_DIR, '--backend', backend, '--runs', '1', '--warmup', '0',
      '--prompt', '4', '--new', '4', '--no-transformersjs', '--no-prompt-lookup', '--curve-ladder', '64,16', '--json', out],
    { cwd: REPO_ROOT, timeout: 300_000 },
  );
  const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
  const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs/bench-schema.v2.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false }).compile(schema);
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report.settings.contextLadder).toEqual([16, 64]);
  expect(report.settings.contextLadderExact).toBe(true);
  // Exactly the rungs asked for (sorted), on the browser's backend and on native onnxruntime-node alike.
  expect(report.records.map((r) => `${r.engine}/${r.backend}`)).toEqual([`ours/${backend}`, 'native/cpu']);
  for (const record of report.records) {
    expect(record.contextCurve?.map((p) => p.contextTokens), record.backend).toEqual([16, 64]);
    expect(record.contextCurve?.every((p) => p.decodeTokensPerSecond > 0 && p.prefillTokensPerSecond > 0), record.backend).toBe(true);
    expect(record.memory.longestContextTokens).toBe(64 + 8);
  }
});
