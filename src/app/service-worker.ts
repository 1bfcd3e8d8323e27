/// <reference types="vite-plugin-pwa/client" />
/**
 * Registers the service worker that precaches the app shell, so the app (and any model in the
 * browser's cache) starts without a network. Automated browsers skip it unless the page asks with
 * `?sw=1`: every test would otherwise precache ~45 MB in the background.
 */
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(search: string = location.search): void {
  // Never trusted: a browser may refuse the registration (private mode, storage off, a policy);
  // the app then works as before, only without the offline start.
  try {
    if (!('serviceWorker' in navigator)) return;
    if (navigator.webdriver && new URLSearchParams(search).get('sw') !== '1') return;
    void Promise.resolve(registerSW({ immediate: true, onRegisterError: (error: unknown) => console.warn('Service worker not registered:', error) })).catch(() => undefined);
  } catch (error) {
    console.warn('Service worker not registered:', error);
  }
}
