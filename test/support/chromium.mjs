// How every headless Chromium of this project is started: the Playwright config, the browser tests that
// launch their own browser, the profile and screenshot scripts and the bench CLI. Plain JavaScript
// (typed by chromium.d.mts) so `node scripts/….mjs` can import it without a TypeScript loader.

/** Debian's Chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Quiet the browser: no sandbox (containers), no background traffic (tests never reach the network).
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// SwiftShader gives headless Chromium a real, CPU-emulated WebGPU adapter: slow, but it runs the WebGPU path.
const SWIFTSHADER_WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'];
// Browser tests only: pages that live seconds, so V8 moves fewer of the runtime's WASM functions to its
// optimizing compiler (a 10× tiering budget). About 1.1 s of CPU per page load was that compiler's, for
// kernels a test then runs a few times: the renderer's CPU for four page loads and twenty replies went
// from 19.0 to 15.8 s (8 Dec 2026). It changes when code is optimized, never what it computes.
const TEST_PAGE_ARGS = ['--js-flags=--wasm-tiering-budget=20000000'];
// The fault suite only (`npm run test:faults`; docs/fault-suite.md, "Run time"): Dawn skips zero-filling
// workgroup memory before each shader runs. SwiftShader compiles the fill Dawn writes into every shader
// slowly: a fresh page's first one-token reply took 9.7–9.8 s with it and 2.1 s without. That is not a
// browser's WebGPU: a kernel that reads workgroup memory it has not written (WGSL promises zeros) reads
// garbage, and a q4 model's greedy tokens came out wrong with it (export-families' qwen q4). `npm test`
// runs every test, the fault suite's included, without it.
const SKIP_WORKGROUP_INIT_ARGS = ['--enable-dawn-features=disable_workgroup_init'];
// Without a GPU process the browser has no adapter at all, as on a machine with no usable GPU.
const NO_GPU_ARGS = ['--disable-gpu'];
// The machine's GPU where Chromium finds one (Vulkan on Linux), else SwiftShader: for the GPU report.
const ANY_WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--enable-features=Vulkan'];

/**
 * Launch options for `chromium.launch()` / Playwright's `launchOptions`.
 * `webgpu`: `true` gives a SwiftShader WebGPU adapter, `false` a browser without any adapter, `'any'` the
 * machine's GPU where there is one, else SwiftShader. `forTests`: the browser tests' V8 setting for
 * short-lived pages (never for the benchmark). `skipWorkgroupInit`: the fault suite's SwiftShader
 * setting, which is not a browser's (see SKIP_WORKGROUP_INIT_ARGS).
 */
export function chromiumLaunchOptions({ webgpu, forTests = false, skipWorkgroupInit = false }) {
  const gpuArgs = webgpu === 'any' ? ANY_WEBGPU_ARGS : webgpu ? SWIFTSHADER_WEBGPU_ARGS : NO_GPU_ARGS;
  const testArgs = [...(forTests ? TEST_PAGE_ARGS : []), ...(webgpu === true && skipWorkgroupInit ? SKIP_WORKGROUP_INIT_ARGS : [])];
  return { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, ...gpuArgs, ...testArgs] };
}

/**
 * `page.goto(url)`, tried again while the server behind it is still starting (connection refused),
 * for `attempts` tries `delayMs` apart; the last failure is thrown.
 */
export async function gotoWhenServerIsUp(page, url, { attempts = 50, delayMs = 200 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
