/// <reference types="vite-plugin-pwa/client" />
/**
 * Registers the service worker that precaches the app shell, so the app (and any model in the
 * browser's cache) starts without a network. Automated browsers skip it unless the page asks with
 * `?sw=1`: every test would otherwise precache ~45 MB in the background.
 */
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(search: string = location.search): void {
  if (!('serviceWorker' in navigator)) return;
  if (navigator.webdriver && new URLSearchParams(search).get('sw') !== '1') return;
  void registerSW({ immediate: true });
}
