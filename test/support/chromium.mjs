// How every headless Chromium of this project is started: the Playwright config, the browser tests that
// launch their own browser, the profile and screenshot scripts and the bench CLI. Plain JavaScript
// (typed by chromium.d.mts) so `node scripts/….mjs` can import it without a TypeScript loader.

/** Debian's Chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Quiet the browser: no sandbox (containers), no background traffic (tests never reach the network).
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// SwiftShader gives headless Chromium a real, CPU-emulated WebGPU adapter: slow, but it runs the WebGPU path.
const SWIFTSHADER_WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'];
// Browser tests only: pages that live seconds, so the browser compiles less up front. Measured 8 Dec 2026:
// - Dawn skips zero-filling workgroup memory before each shader runs. SwiftShader has no cheap way to do
//   that fill (Dawn writes it into every shader as loops), and compiling those loops in onnxruntime's
//   attention shaders was most of a fresh page's first reply: 9.7–9.8 s without, 2.1 s with, same tokens.
// - V8 moves fewer of the runtime's WASM functions to its optimizing compiler (a 10× tiering budget):
//   about 1 s of CPU per page load was that compiler's, for kernels a test then runs a few times.
// A real browser does neither; the benchmark keeps a browser's defaults, so its figures are a browser's.
const TEST_PAGE_ARGS = ['--js-flags=--wasm-tiering-budget=20000000'];
const TEST_WEBGPU_ARGS = ['--enable-dawn-features=disable_workgroup_init'];
// Without a GPU process the browser has no adapter at all, as on a machine with no usable GPU.
const NO_GPU_ARGS = ['--disable-gpu'];
// The machine's GPU where Chromium finds one (Vulkan on Linux), else SwiftShader: for the GPU report.
const ANY_WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--enable-features=Vulkan'];

/**
 * Launch options for `chromium.launch()` / Playwright's `launchOptions`.
 * `webgpu`: `true` gives a SwiftShader WebGPU adapter, `false` a browser without any adapter, `'any'` the
 * machine's GPU where there is one, else SwiftShader. `forTests`: the browser tests' settings for short-lived
 * pages (less compiled up front; see TEST_PAGE_ARGS), never for the benchmark.
 */
export function chromiumLaunchOptions({ webgpu, forTests = false }) {
  const gpuArgs = webgpu === 'any' ? ANY_WEBGPU_ARGS : webgpu ? SWIFTSHADER_WEBGPU_ARGS : NO_GPU_ARGS;
  const testArgs = !forTests ? [] : webgpu === true ? [...TEST_PAGE_ARGS, ...TEST_WEBGPU_ARGS] : TEST_PAGE_ARGS;
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
