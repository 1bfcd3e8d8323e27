#!/usr/bin/env node
/**
 * Fails on any import that runs against the layers (README, "Architecture"):
 *   panels → clients → engine → core;  models → core;  the workers put engine, models and bench together.
 * Each folder of src/ may import only the folders listed for it (and itself). Type-only imports count
 * too: a type that crosses a layer the wrong way is a dependency all the same.
 * Usage: node scripts/check-layers.mjs   (exit 1 and one line per offending import)
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of src/ → the folders of src/ it may import from. */
export const ALLOWED = {
  core: [],
  engine: ['core'],
  models: ['core'],
  bench: ['core', 'engine', 'models'],
  workers: ['core', 'engine', 'models', 'bench'],
  clients: ['core', 'bench'],
  i18n: ['core', 'styles'],
  styles: [],
  panels: ['core', 'clients', 'models', 'bench', 'i18n', 'styles'],
  app: ['core', 'clients', 'models', 'panels', 'i18n', 'styles'],
};


function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.ts$/.test(name)) yield path;
  }
}

/** Static and dynamic imports, and re-exports. */
const importPattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
/** `new Worker(new URL('../workers/x.ts', import.meta.url))`: a client starts a worker, it does not import its code. */
const spawnPattern = /new URL\(\s*['"]([^'"]+\.ts)['"]/g;

/** Every import in `src` that runs against the layers, as one readable line each. */
export function checkLayers(src) {
  /** The src/ folder a path belongs to, or null for src/'s own entry files (main.ts), which may import anything. */
  const layerOf = (path) => {
    const parts = relative(src, path).split('/');
    return parts.length > 1 ? parts[0] : null;
  };
  const problems = [];
  let checked = 0;
  for (const file of sourceFiles(src)) {
    const layer = layerOf(file);
    if (layer === null) continue;
    if (!(layer in ALLOWED)) {
      problems.push(`${relative(src, file)}: the folder src/${layer} has no place in the layers; add it to ALLOWED in scripts/check-layers.mjs`);
      continue;
    }
    checked++;
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(spawnPattern)) {
      const target = resolve(dirname(file), spec);
      if (layer !== 'clients' || layerOf(target) !== 'workers') problems.push(`${relative(src, file)} starts ${spec}: only src/clients start workers, and only those in src/workers`);
    }
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2];
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src + '/')) continue;
      const targetLayer = layerOf(target);
      if (targetLayer === null || targetLayer === layer) {
        if (targetLayer === null) problems.push(`${relative(src, file)} imports ${spec}: src/ entry files are not for importing`);
        continue;
      }
      if (!ALLOWED[layer].includes(targetLayer)) {
        problems.push(`${relative(src, file)} imports ${spec}: ${layer} may import only ${ALLOWED[layer].join(', ') || 'nothing of ours'}`);
      }
    }
  }
  return { problems, checked };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const { problems, checked } = checkLayers(src);
  if (problems.length) {
    console.error(`Imports against the layers (${problems.length}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`layers: ${checked} files, every import runs the right way`);
}
