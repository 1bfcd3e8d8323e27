import { defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';

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
  ],
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1024 },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
