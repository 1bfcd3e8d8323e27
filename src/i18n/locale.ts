/**
 * The app's language: English (the source) or Simplified Chinese. The choice is remembered in
 * localStorage; without one, the browser's language decides. Components marked `@localized()`
 * re-render when it changes.
 */
import { configureLocalization } from '@lit/localize';
import { initialLocale, type Locale } from './initial-locale';
import { sourceLocale, targetLocales } from './generated/locale-codes';
import { readSetting, writeSetting } from '../core/safe-storage';

export type { Locale };

const STORAGE_KEY = 'tl-locale';

const { getLocale, setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  // Bundled, not fetched: the lecture hall may be offline. Made by `npm run i18n:build` from xliff/.
  loadLocale: () => import('./generated/locales/zh-Hans'),
});

// Storage can be blocked: the browser language still works, and a switch is then not remembered.
const readStored = () => readSetting(STORAGE_KEY);

export function currentLocale(): Locale {
  return getLocale() as Locale;
}

export async function switchLocale(locale: Locale, remember = true): Promise<void> {
  if (remember) writeSetting(STORAGE_KEY, locale);
  await setLocale(locale);
  document.documentElement.lang = locale === 'zh-Hans' ? 'zh-Hans' : 'en';
}

/** Call once at start-up, before the first render. */
export function startLocale(): Promise<void> {
  const languages = globalThis.navigator?.languages?.length ? globalThis.navigator.languages : [globalThis.navigator?.language ?? 'en'];
  return switchLocale(initialLocale(readStored(), languages), false);
}
