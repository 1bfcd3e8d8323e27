// How every headless Chromium of this project is started: the Playwright config, the browser tests that
// launch their own browser, the profile and screenshot scripts and the bench CLI. Plain JavaScript
// (typed by chromium.d.mts) so `node scripts/….mjs` can import it without a TypeScript loader.

/** Debian's Chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Quiet the browser: no sandbox (containers), no background traffic (tests never reach the network).
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
// SwiftShader gives headless Chromium a real, CPU-emulated WebGPU adapter: slow, but it runs the WebGPU path.
const SWIFTSHADER_WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-webgpu-adapter=swiftshader'];
// Without a GPU process the browser has no adapter at all, as on a machine with no usable GPU.
const NO_GPU_ARGS = ['--disable-gpu'];
// The machine's GPU where Chromium finds one (Vulkan on Linux), else SwiftShader: for the GPU report.
const ANY_WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--enable-features=Vulkan'];

/**
 * Launch options for `chromium.launch()` / Playwright's `launchOptions`.
 * `webgpu`: `true` gives a SwiftShader WebGPU adapter, `false` a browser without any adapter, `'any'` the
 * machine's GPU where there is one, else SwiftShader.
 */
export function chromiumLaunchOptions({ webgpu }) {
  const gpuArgs = webgpu === 'any' ? ANY_WEBGPU_ARGS : webgpu ? SWIFTSHADER_WEBGPU_ARGS : NO_GPU_ARGS;
  return { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, ...gpuArgs] };
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
