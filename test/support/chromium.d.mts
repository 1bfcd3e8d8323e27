import type { LaunchOptions, Page, Response } from '@playwright/test';

/** Debian's Chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM_PATH: string;

/**
 * Launch options for `chromium.launch()` / Playwright's `launchOptions`.
 * `webgpu`: `true` gives a SwiftShader WebGPU adapter, `false` a browser without any adapter, `'any'` the
 * machine's GPU where there is one, else SwiftShader. `forTests`: the browser tests' V8 setting for
 * short-lived pages (never for the benchmark). `skipWorkgroupInit`: the fault suite's SwiftShader
 * setting, which is not a browser's (chromium.mjs says why).
 */
export function chromiumLaunchOptions(options: { webgpu: boolean | 'any'; forTests?: boolean; skipWorkgroupInit?: boolean }): Required<Pick<LaunchOptions, 'executablePath' | 'args'>>;

/** `page.goto(url)`, tried again while the server behind it is still starting; the last failure is thrown. */
export function gotoWhenServerIsUp(page: Page, url: string, options?: { attempts?: number; delayMs?: number }): Promise<Response | null>;
