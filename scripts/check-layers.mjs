#!/usr/bin/env node
/**
 * Fails on any import that runs against the layers (README, "Architecture", whose table this script
 * writes and checks): panels → clients → engine → core; models → core; the workers put engine, models
 * and bench together. Each folder of src/ may import only the folders listed for it (and itself), and
 * only the packages listed for it. Every import form counts: named, default, namespace, type-only,
 * side-effect (`import './x'`), dynamic `import()` and `export … from`; a re-export is followed, so a
 * folder cannot reach a layer through another folder's re-export; and a path outside src/ only where
 * OUTSIDE lists it.
 * Usage: node scripts/check-layers.mjs [--write-readme]   (exit 1 and one line per offending import)
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of src/ → the folders of src/ it may import from. */
export const ALLOWED = {
  core: [],
  engine: ['core'],
  models: ['core'],
  'bench/shared': ['core'],
  'bench/page': ['core', 'bench/shared'],
  'bench/worker': ['core', 'engine', 'models', 'bench/shared'],
  workers: ['core', 'engine', 'models', 'bench/shared', 'bench/worker'],
  clients: ['core', 'bench/shared'],
  i18n: ['core', 'styles'],
  styles: [],
  panels: ['core', 'clients', 'models', 'bench/shared', 'bench/page', 'i18n', 'styles'],
  app: ['core', 'clients', 'models', 'panels', 'i18n', 'styles'],
};

/** Folder of src/ → the packages it may import (a package's subpaths included). No DOM library below the panels. */
export const PACKAGES = {
  core: ['@lit/localize'],
  engine: ['onnxruntime-web', '@huggingface/tokenizers', '@huggingface/jinja'],
  models: [],
  'bench/shared': [],
  'bench/page': [],
  'bench/worker': ['onnxruntime-web', '@huggingface/transformers'],
  workers: [],
  clients: [],
  i18n: ['@lit/localize', 'lit'],
  styles: ['lit'],
  panels: ['@lit/localize', 'lit', 'marked', 'dompurify'],
  app: ['@lit/localize', 'lit', 'virtual:pwa-register', 'workbox-core', 'workbox-expiration', 'workbox-precaching', 'workbox-routing', 'workbox-strategies'],
};

/**
 * Folder of src/ → the paths outside src/ (from the repository's root) it may import: the embedded
 * models' cards and facts for the panels; transformers.js's own runtime files for the benchmark.
 */
export const OUTSIDE = {
  panels: ['models/'],
  'bench/worker': ['node_modules/@huggingface/transformers/'],
};

/**
 * Folders of src/ whose sub-folders are layers of their own: the benchmark's page code (results,
 * exports, share links) must not reach the code that runs models in its worker, and both share only
 * bench/shared. A file directly in such a folder belongs to no layer.
 */
export const SPLIT_FOLDERS = ['bench'];

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.ts$/.test(name)) yield path;
  }
}

/** The text with its comments blanked out (strings kept), so an import in a comment is no import. */
function withoutComments(text) {
  let out = '';
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === quote) quote = null;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      out += text.slice(i, end < 0 ? text.length : end + 2).replace(/[^\n]/g, ' ');
      i = end < 0 ? text.length : end + 1;
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      out += c;
    }
  }
  return out;
}

const FORMS = [
  // import x / { x } / * as x / type { x } … from '…';  export { x } / * / type … from '…'
  { kind: 'from', pattern: /\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"\n]+)['"]/g },
  // import '…';  (side effect)
  { kind: 'side-effect', pattern: /\bimport\s*['"]([^'"\n]+)['"]/g },
  // import('…')
  { kind: 'dynamic', pattern: /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g },
];
const reexportPattern = /\bexport\b[^'";]*?\bfrom\s*['"]([^'"\n]+)['"]/g;
/** `new Worker(new URL('../workers/x.ts', import.meta.url))`: a client starts a worker, it does not import its code. */
const spawnPattern = /new URL\(\s*['"]([^'"]+\.ts)['"]/g;

/** Every module specifier a file's text imports or re-exports. */
export function importsOf(text) {
  const code = withoutComments(text);
  return FORMS.flatMap(({ pattern }) => [...code.matchAll(pattern)].map((m) => m[1]));
}

/** A package import's package name: `lit/decorators.js` → lit, `@scope/name/x?url` → @scope/name. */
const packageOf = (spec) => {
  const parts = spec.split('?')[0].split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

/** The source file a relative specifier names (with or without its .ts), or null. */
function fileOf(from, spec) {
  const target = resolve(dirname(from), spec);
  for (const candidate of [target, `${target}.ts`, join(target, 'index.ts')]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return null;
}

/** Every import in `src` that runs against the layers, as one readable line each. */
export function checkLayers(src) {
  /** The src/ folder a path belongs to, or null for src/'s own entry files (main.ts), which may import anything. */
  const layerOf = (path) => {
    const parts = relative(src, path).split('/');
    if (parts.length < 2) return null;
    return SPLIT_FOLDERS.includes(parts[0]) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
  };
  const inSrc = (path) => path.startsWith(src + '/');
  const root = dirname(src);
  const outsideAllowed = (layer, path) => (OUTSIDE[layer] ?? []).some((prefix) => relative(root, path).startsWith(prefix));
  const problems = [];
  let checked = 0;
  /** The relative targets a file reaches through re-exports (followed through every file that re-exports). */
  const reexported = (file, seen = new Set()) => {
    if (seen.has(file)) return [];
    seen.add(file);
    const code = withoutComments(readFileSync(file, 'utf8'));
    return [...code.matchAll(reexportPattern)].flatMap(([, spec]) => {
      if (!spec.startsWith('.')) return [];
      const target = fileOf(file, spec);
      return target ? [target, ...reexported(target, seen)] : [];
    });
  };
  for (const file of sourceFiles(src)) {
    const layer = layerOf(file);
    const name = relative(src, file);
    if (layer === null) continue;
    if (!(layer in ALLOWED)) {
      problems.push(`${name}: the folder src/${layer} has no place in the layers; add it to ALLOWED in scripts/check-layers.mjs`);
      continue;
    }
    checked++;
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of withoutComments(text).matchAll(spawnPattern)) {
      const target = resolve(dirname(file), spec);
      if (layer !== 'clients' || layerOf(target) !== 'workers') problems.push(`${name} starts ${spec}: only src/clients start workers, and only those in src/workers`);
    }
    for (const spec of importsOf(text)) {
      if (!spec.startsWith('.')) {
        if (!PACKAGES[layer].includes(packageOf(spec))) problems.push(`${name} imports the package ${packageOf(spec)}: ${layer} may import only ${PACKAGES[layer].join(', ') || 'no package'} (PACKAGES in scripts/check-layers.mjs)`);
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (!inSrc(target)) {
        if (!outsideAllowed(layer, target)) problems.push(`${name} imports ${spec}: ${layer} may import outside src/ only ${(OUTSIDE[layer] ?? []).join(', ') || 'nothing'} (OUTSIDE in scripts/check-layers.mjs)`);
        continue;
      }
      const found = fileOf(file, spec);
      const through = found ? reexported(found) : [];
      for (const reached of [target, ...through]) {
        const targetLayer = layerOf(reached);
        const via = reached === target ? '' : ` (re-exported from ${relative(src, reached)})`;
        if (!inSrc(reached)) problems.push(`${name} imports ${spec}${via}: src/ imports nothing outside src/`);
        else if (targetLayer === null) problems.push(`${name} imports ${spec}${via}: src/ entry files are not for importing`);
        else if (targetLayer !== layer && !ALLOWED[layer].includes(targetLayer)) {
          problems.push(`${name} imports ${spec}${via}: ${layer} may import only ${ALLOWED[layer].join(', ') || 'nothing of ours'}`);
        }
      }
    }
  }
  return { problems: [...new Set(problems)], checked };
}

const README_START = '<!-- layers: written by scripts/check-layers.mjs --write-readme -->';
const README_END = '<!-- /layers -->';

/** The README's layer table, from ALLOWED and PACKAGES. */
export function layerTable() {
  const rows = Object.keys(ALLOWED).map((layer) => `| src/${layer} | ${ALLOWED[layer].join(', ') || '–'} | ${PACKAGES[layer].map((p) => `\`${p}\``).join(', ') || '–'} |`);
  return [README_START, '| folder | may import (ours) | packages |', '|---|---|---|', ...rows, README_END].join('\n');
}

/** The README with its layer table rewritten, or null when it has no place for one. */
export function readmeWithTable(readme) {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return null;
  return readme.slice(0, start) + layerTable() + readme.slice(end + README_END.length);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { problems, checked } = checkLayers(join(root, 'src'));
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const updated = readmeWithTable(readme);
  if (updated === null) problems.push(`README.md has no layer table between "${README_START}" and "${README_END}"`);
  else if (updated !== readme) {
    if (process.argv.includes('--write-readme')) writeFileSync(readmePath, updated);
    else problems.push('README.md: its layer table differs from scripts/check-layers.mjs; run node scripts/check-layers.mjs --write-readme');
  }
  if (problems.length) {
    console.error(`Imports against the layers (${problems.length}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`layers: ${checked} files, every import runs the right way; README's table matches`);
}
