import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain Node script without type declarations
import { checkLayers } from '../../scripts/check-layers.mjs';

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
  });

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
});
