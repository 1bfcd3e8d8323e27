/** Which language the app starts in; kept apart from locale.ts so tests can use it without configuring @lit/localize. */

export const LOCALES = ['en', 'zh-Hans'] as const;
export type Locale = (typeof LOCALES)[number];

/** The language the app should start in. */
export function initialLocale(stored: string | null, browserLanguages: readonly string[]): Locale {
  if (stored === 'en' || stored === 'zh-Hans') return stored;
  for (const language of browserLanguages) {
    if (/^zh\b/i.test(language)) return 'zh-Hans';
    if (/^en\b/i.test(language)) return 'en';
  }
  return 'en';
}

