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
  // One browser at a time by default: SwiftShader's WebGPU is CPU-bound, and beside a second browser on
  // this 2-core VM its heaviest tests (q4 models) ran past their timeouts. The fault suite, whose WebGPU
  // probes are light, runs two (scripts/test-faults.ts); TL_E2E_WORKERS sets it for any run.
  workers: Number(process.env.TL_E2E_WORKERS ?? 1),
  fullyParallel: false,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    browserName: 'chromium',
    // TL_E2E_SKIP_WORKGROUP_INIT: the fault suite's faster SwiftShader compiles (scripts/test-faults.ts).
    launchOptions: chromiumLaunchOptions({ webgpu: true, forTests: true, skipWorkgroupInit: process.env.TL_E2E_SKIP_WORKGROUP_INIT === '1' }),
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
