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

export default defineConfig({
  base: './',
  plugins: [
    // The embedded models ship with the app, so it runs offline out of the box.
    viteStaticCopy({
      targets: [{ src: ['models/tl-*/*.json', 'models/tl-*/README.md', 'models/tl-*/onnx'], dest: 'models', rename: { stripBase: 1 } }],
      structured: true,
      silent: true,
    }),
    // A service worker precaches the app shell (and the ORT runtime and embedded models), so a model
    // cached in the browser keeps working with the network gone. Model downloads are not routed through it.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: null, // registered from src/app/service-worker.ts
      manifest: false,
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,wasm,json,onnx,md}'],
        // The ORT runtime alone is ~28 MB.
        maximumFileSizeToCacheInBytes: 64 * 1024 ** 2,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/bench\.html/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  resolve: {
    alias: [
      // transformers.js (the benchmark's comparison, loaded lazily) imports its own onnxruntime-web build:
      // bind it to the app's, so dist ships one ORT WASM binary and both share one runtime.
      { find: /^onnxruntime-web\/webgpu$/, replacement: fileURLToPath(new URL('./node_modules/onnxruntime-web/dist/ort.bundle.min.mjs', import.meta.url)) },
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
});
