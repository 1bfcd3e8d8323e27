/**
 * Bundles the real-GPU harness (harness.ts: our engine's src/ modules, transformers.js's web build and
 * their onnxruntime-web builds) into one ES module that Node runs with no node_modules beside it.
 *
 * The engine imports onnxruntime-web's runtime files the Vite way (`…/ort-wasm-simd-threaded.*.wasm?url`).
 * Here each such import becomes a path: in `copy` mode, to a copy under `<outDir>/ort/<package version>/`
 * made for the runtime files the harness can run (`RUNTIME_FILES`), so the bundle is self-contained;
 * in `link` mode, to the file in node_modules (tests on this machine, nothing copied).
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The runtime files the harness runs: the native WebGPU EP (asyncify build) of each onnxruntime-web,
 * ours and transformers.js's own, and the plain SIMD build of ours for the WASM backend. The JSEP build
 * the app's `ort-setup` also names is never run in Node, so it is not copied (its path leads nowhere).
 */
export const RUNTIME_FILES = /ort-wasm-simd-threaded(\.asyncify)?\.(wasm|mjs)$/;

/** The version of the package a file of node_modules belongs to (its nearest package.json). */
function packageVersion(file) {
  for (let dir = dirname(file); dir !== root && dir !== '/'; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name && pkg.version) return `${pkg.name.replace(/[^a-z0-9.-]/gi, '_')}-${pkg.version}`;
    } catch {
      // no package.json at this level
    }
  }
  throw new Error(`no package.json above ${file}`);
}

function urlImports(mode, outDir, copied) {
  return {
    name: 'vite-url-imports',
    setup(b) {
      b.onResolve({ filter: /\?url$/ }, async (args) => {
        const spec = args.path.slice(0, -'?url'.length);
        const found = await b.resolve(spec, { resolveDir: args.resolveDir, kind: 'import-statement' });
        if (found.errors.length) return { errors: found.errors };
        return { path: found.path, namespace: 'url-import' };
      });
      b.onLoad({ filter: /.*/, namespace: 'url-import' }, (args) => {
        if (mode === 'link') return { contents: `export default ${JSON.stringify(args.path)};`, loader: 'js' };
        const target = `ort/${packageVersion(args.path)}/${basename(args.path)}`;
        if (RUNTIME_FILES.test(args.path)) {
          mkdirSync(dirname(join(outDir, target)), { recursive: true });
          copyFileSync(args.path, join(outDir, target));
          copied.push(target);
        }
        // Resolved at run time next to the bundle, wherever it was unpacked.
        return { contents: `export default new URL(${JSON.stringify(`./${target}`)}, import.meta.url).pathname;`, loader: 'js' };
      });
    },
  };
}

/**
 * Writes `<outDir>/harness.mjs`. Returns the runtime files copied beside it (paths relative to outDir).
 * @param {{ outDir: string, mode: 'copy' | 'link' }} options
 */
export async function bundleHarness({ outDir, mode }) {
  const copied = [];
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(root, 'scripts/gpu-bench/harness.ts')],
    outfile: join(outDir, 'harness.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // transformers.js's Node build runs onnxruntime-node; the side-by-side needs its web build, on its
    // own onnxruntime-web (the nested copy its web build imports), as browsers run it.
    alias: { '@huggingface/transformers': join(root, 'node_modules/@huggingface/transformers/dist/transformers.web.js') },
    // The engine's modules check the Vite mode: 'bench' is the benchmark build's, which lets transformers.js keep its own runtime.
    define: { 'import.meta.env.MODE': '"bench"', 'import.meta.env.DEV': 'false', 'import.meta.env.PROD': 'true' },
    // Bundled ES modules calling require() (onnxruntime-web's Node code paths) need one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [urlImports(mode, outDir, copied)],
    logLevel: 'warning',
    legalComments: 'none',
  });
  return { harness: join(outDir, 'harness.mjs'), runtimeFiles: [...new Set(copied)].map((f) => relative(outDir, join(outDir, f))) };
}
