import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Cross-origin isolation lets onnxruntime-web use several WASM threads (SharedArrayBuffer).
 * Whoever hosts the built app must send the same two headers.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Names the service worker's cache of the embedded models (models/tl-*): new weights, new cache.
 * Hashes every file of their folders, a superset of what the static copy below ships.
 */
function embeddedModelsVersion(): string {
  const hash = createHash('sha256');
  const files = readdirSync('models', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => /^models\/tl-[^/]+\//.test(file))
    .sort();
  for (const file of files) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bytes of each onnxruntime-web build's files (src/engine/runtime-download.ts), read from the package
 * the build bundles, so a load announces the runtime's size before fetching it.
 */
function runtimeFileBytes(): Record<string, { mjs: number; wasm: number }> {
  const dist = fileURLToPath(new URL('./node_modules/onnxruntime-web/dist/', import.meta.url));
  const size = (file: string) => statSync(path.join(dist, file)).size;
  const build = (infix: string) => ({ mjs: size(`ort-wasm-simd-threaded${infix}.mjs`), wasm: size(`ort-wasm-simd-threaded${infix}.wasm`) });
  return { jspi: build('.jspi'), asyncify: build('.asyncify'), wasm: build('') };
}

/**
 * Bytes of every file the embedded models ship (src/models/embedded-sizes.ts), keyed by their path in
 * the built app (`models/tl-gpt/onnx/model.onnx`): their loads need no HEAD request to size the download.
 */
function embeddedFileBytes(): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const entry of readdirSync('models', { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && /^models\/tl-[^/]+\/(?:[^/]+\.json|onnx\/.+)$/.test(file)) sizes[file] = statSync(file).size;
  }
  return sizes;
}

/**
 * `vite build --mode bench` (npm run bench's dist-bench, never the app's dist) leaves transformers.js
 * the onnxruntime-web build it ships (1.31, native WebGPU EP), so the benchmark measures it as its
 * users get it; see src/bench/worker/transformersjs.ts.
 */
export default defineConfig(({ mode }) => ({
  define: {
    __EMBEDDED_MODELS_VERSION__: JSON.stringify(embeddedModelsVersion()),
    __ORT_FILE_BYTES__: JSON.stringify(runtimeFileBytes()),
    __EMBEDDED_FILE_BYTES__: JSON.stringify(embeddedFileBytes()),
  },
  base: './',
  plugins: [
    // The embedded models ship with the app, so it runs offline out of the box.
    viteStaticCopy({
      targets: [{ src: ['models/tl-*/*.json', 'models/tl-*/README.md', 'models/tl-*/onnx'], dest: 'models', rename: { stripBase: 1 } }],
      structured: true,
      silent: true,
    }),
    // The service worker (src/app/sw.ts) precaches the app shell only; the onnxruntime builds and the
    // embedded models are cached on first use. Hub models are cached by the app itself (src/models/cache.ts).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/app',
      filename: 'sw.ts',
      registerType: 'autoUpdate',
      injectRegister: null, // registered from src/app/service-worker.ts
      manifest: false,
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest}'],
        globIgnores: ['**/ort-*'],
      },
    }),
  ],
  resolve: {
    alias: mode === 'bench' ? [] : [
      // transformers.js (the benchmark's comparison, loaded lazily) imports its own onnxruntime-web build's
      // `onnxruntime-web/webgpu`: bind it to the app's copy of that entry (the asyncify build), so dist
      // ships no other ORT WASM binary.
      { find: /^onnxruntime-web\/webgpu$/, replacement: fileURLToPath(new URL('./node_modules/onnxruntime-web/dist/ort.webgpu.bundle.min.mjs', import.meta.url)) },
    ],
  },
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    // bench.html: the benchmark panel alone, so `npm run bench` measures without the chat loading beside it.
    rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } },
  },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
}));
