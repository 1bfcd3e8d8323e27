import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/support/chromium.mjs';

/**
 * End-to-end tests in Debian's Chromium against the built app, once per backend. SwiftShader gives
 * headless Chromium a real (CPU-emulated) WebGPU adapter: slow, but it proves the WebGPU path correct.
 */
// Several checkouts can test side by side with their own port and build folder.
const PORT = Number(process.env.TL_E2E_PORT ?? 4173);
const OUT_DIR = process.env.TL_OUT_DIR ?? 'dist';

export default defineConfig({
  testDir: 'test/e2e',
  timeout: 240_000,
  expect: { timeout: 60_000 },
  // Two browsers at once (TL_E2E_WORKERS to change it): most of a test's time is one core compiling
  // SwiftShader's shaders or onnxruntime's WASM, so a second browser on the second core about halves the
  // run. Specs run their tests in order unless a spec says otherwise (the fault suite's two big specs do).
  workers: Number(process.env.TL_E2E_WORKERS ?? 2),
  fullyParallel: false,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions({ webgpu: true }),
  },
  projects: [
    { name: 'wasm', metadata: { backend: 'wasm' } },
    { name: 'webgpu', metadata: { backend: 'webgpu' } },
  ],
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${OUT_DIR}`,
    url: `http://127.0.0.1:${PORT}/`,
    // A server already on the port may be another checkout's build: reuse one only when asked to.
    reuseExistingServer: process.env.TL_E2E_REUSE_SERVER === '1',
    timeout: 60_000,
  },
});
