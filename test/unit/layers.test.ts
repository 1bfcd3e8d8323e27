import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain Node script without type declarations
import { checkLayers, layerTable, readmeWithTable } from '../../scripts/check-layers.mjs';

type Check = { problems: string[]; checked: number };

function tree(files: Record<string, string>): string {
  const src = join(mkdtempSync(join(tmpdir(), 'layers-')), 'src');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(src, path, '..'), { recursive: true });
    writeFileSync(join(src, path), text);
  }
  return src;
}

describe('the layer check', () => {
  it('passes on the real source tree', () => {
    const { problems, checked } = checkLayers(join(__dirname, '../../src')) as Check;
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  }, 30_000); // it reads every file of src/ and every re-export behind it

  it('fails on an engine that imports models, and on core importing anything of ours', () => {
    const src = tree({
      'core/errors.ts': "import type { X } from '../engine/x';\n",
      'engine/engine.ts': "import { fetchModelFiles } from '../models/fetch-model';\nimport { E } from '../core/errors';\n",
      'models/fetch-model.ts': "export const fetchModelFiles = 1;\n",
      'engine/x.ts': 'export type X = 1;\n',
    });
    const { problems } = checkLayers(src) as Check;
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/engine\/engine\.ts imports \.\.\/models\/fetch-model: engine may import only core/);
    expect(problems.join('\n')).toMatch(/core\/errors\.ts imports \.\.\/engine\/x: core may import only nothing of ours/);
  });

  it('lets only clients start workers', () => {
    const src = tree({
      'clients/engine-client.ts': "new Worker(new URL('../workers/engine-worker.ts', import.meta.url));\n",
      'panels/chat.ts': "new Worker(new URL('../workers/engine-worker.ts', import.meta.url));\nconst m = import('../engine/engine');\n",
      'workers/engine-worker.ts': '',
    });
    const { problems } = checkLayers(src) as Check;
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/panels\/chat\.ts starts/);
    expect(problems.join('\n')).toMatch(/panels\/chat\.ts imports \.\.\/engine\/engine/);
  });

  it('reads every import form, so a planted violation of each fails', () => {
    const src = tree({
      'engine/named.ts': "import {\n  fetchModelFiles,\n} from '../models/fetch-model';\n",
      'engine/side-effect.ts': "import '../panels/format';\n",
      'engine/dynamic.ts': "export async function f() { return import('../panels/format'); }\n",
      'core/reexport.ts': "export { fetchModelFiles } from '../models/fetch-model';\n",
      'engine/type-only.ts': "import type { Format } from '../panels/format';\n",
      'engine/in-comment.ts': "// import '../panels/format';\n/* import('../panels/format') */\nexport const text = 'no import';\n",
      'models/fetch-model.ts': 'export const fetchModelFiles = 1;\n',
      'panels/format.ts': 'export type Format = 1;\n',
    });
    const problems = (checkLayers(src) as Check).problems.join('\n');
    for (const file of ['engine/named.ts', 'engine/side-effect.ts', 'engine/dynamic.ts', 'core/reexport.ts', 'engine/type-only.ts']) expect(problems).toContain(`${file} imports`);
    expect(problems).not.toContain('in-comment');
  });

  it('allows each layer only its packages: no lit in src/engine or src/core', () => {
    const src = tree({
      'engine/view.ts': "import { html } from 'lit';\nimport * as ort from 'onnxruntime-web/wasm';\n",
      'core/decorators.ts': "import { customElement } from 'lit/decorators.js';\nimport { msg } from '@lit/localize';\n",
      'panels/view.ts': "import { html } from 'lit';\nimport { marked } from 'marked';\n",
    });
    const { problems } = checkLayers(src) as Check;
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/engine\/view\.ts imports the package lit: engine may import only onnxruntime-web/);
    expect(problems.join('\n')).toMatch(/core\/decorators\.ts imports the package lit: core may import only @lit\/localize/);
  });

  it('follows re-exports, and checks paths outside src', () => {
    const src = tree({
      'bench/shared/types.ts': "export * from '../../engine/session';\n",
      'engine/session.ts': 'export const s = 1;\n',
      'clients/bench-client.ts': "import { s } from '../bench/shared/types';\n",
      'engine/test-only.ts': "import { helper } from '../../test/support/helper';\n",
    });
    const problems = (checkLayers(src) as Check).problems.join('\n');
    expect(problems).toMatch(/clients\/bench-client\.ts imports \.\.\/bench\/shared\/types \(re-exported from engine\/session\.ts\): clients may import only core, bench\/shared/);
    expect(problems).toMatch(/engine\/test-only\.ts imports \.\.\/\.\.\/test\/support\/helper: engine may import outside src\/ only nothing/);
    expect(problems).toMatch(/bench\/shared\/types\.ts imports \.\.\/\.\.\/engine\/session: bench\/shared may import only core/);
  });

  it("keeps the benchmark's page code from its worker code: both meet only in bench/shared", () => {
    const src = tree({
      'bench/shared/protocol.ts': 'export type P = 1;\n',
      'bench/worker/runner.ts': "import type { P } from '../shared/protocol';\nimport { run } from '../../engine/generate';\n",
      'engine/generate.ts': 'export const run = 1;\n',
      'bench/page/report.ts': "import type { P } from '../shared/protocol';\nimport { run } from '../worker/runner';\n",
      'panels/bench/panel.ts': "import { run } from '../../bench/worker/runner';\nimport { r } from '../../bench/page/report';\n",
      'workers/bench-worker.ts': "import { run } from '../bench/worker/runner';\nimport { r } from '../bench/page/report';\n",
      'bench/loose.ts': 'export const l = 1;\n',
    });
    const problems = (checkLayers(src) as Check).problems;
    expect(problems).toHaveLength(4);
    const text = problems.join('\n');
    expect(text).toMatch(/bench\/page\/report\.ts imports \.\.\/worker\/runner: bench\/page may import only core, bench\/shared/);
    expect(text).toMatch(/panels\/bench\/panel\.ts imports \.\.\/\.\.\/bench\/worker\/runner: panels may import only/);
    expect(text).toMatch(/workers\/bench-worker\.ts imports \.\.\/bench\/page\/report: workers may import only/);
    expect(text).toMatch(/bench\/loose\.ts: the folder src\/bench has no place in the layers/);
  });

  it("keeps the README's layer table equal to the script's", () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(readmeWithTable(readme)).toBe(readme);
    expect(layerTable()).toContain('| src/engine | core | `onnxruntime-web`');
  });
});
