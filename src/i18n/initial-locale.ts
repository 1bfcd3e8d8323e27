/** Which language the app starts in; kept apart from locale.ts so tests can use it without configuring @lit/localize. */

import type { allLocales } from './generated/locale-codes';

export type Locale = (typeof allLocales)[number];

/** The language the app should start in. */
export function initialLocale(stored: string | null, browserLanguages: readonly string[]): Locale {
  if (stored === 'en' || stored === 'zh-Hans') return stored;
  for (const language of browserLanguages) {
    if (/^zh\b/i.test(language)) return 'zh-Hans';
    if (/^en\b/i.test(language)) return 'en';
  }
  return 'en';
}

