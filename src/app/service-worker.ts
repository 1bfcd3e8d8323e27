/// <reference types="vite-plugin-pwa/client" />
/**
 * Registers the service worker (src/app/sw.ts), which precaches the app shell and caches the
 * onnxruntime build and the models the app uses, so everything used once starts without a network.
 * Automated browsers skip it unless the page asks with `?sw=1`, so tests run without it by default.
 */
import { registerSW } from 'virtual:pwa-register';

/**
 * On a first visit the app waits this long at most for the new service worker to take over before
 * the engine starts; past it the app starts anyway, and what it fetched is cached on its next use.
 */
const FIRST_INSTALL_WAIT_MS = 20_000;

let registered: Promise<void> | null = null;

/**
 * Registers once; resolves when the page's fetches, and those of the workers it starts from then on,
 * go through the service worker, or at once where none will. Never rejects: a browser may refuse the
 * registration (private mode, storage off, a policy), and the app then works as before, only without
 * the offline start.
 */
export function registerServiceWorker(search: string = location.search): Promise<void> {
  registered ??= register(search).catch((error: unknown) => console.warn('Service worker not registered:', error));
  return registered;
}

async function register(search: string): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  if (navigator.webdriver && new URLSearchParams(search).get('sw') !== '1') return;
  const container = navigator.serviceWorker;
  const onRegisterError = (error: unknown) => console.warn('Service worker not registered:', error);
  if (container.controller) {
    void Promise.resolve(registerSW({ immediate: true, onRegisterError })).catch(onRegisterError);
    return;
  }
  // A first visit: the engine's fetches (the runtime, the model) are cached only once the service worker
  // controls the page, so the engine waits for it (it installs the shell, a few MB, then takes over).
  await new Promise<void>((resolve) => {
    container.addEventListener('controllerchange', () => resolve(), { once: true });
    setTimeout(resolve, FIRST_INSTALL_WAIT_MS);
    const failed = (error: unknown) => {
      onRegisterError(error);
      resolve();
    };
    void Promise.resolve(registerSW({ immediate: true, onRegisterError: failed })).catch(failed);
  });
}
