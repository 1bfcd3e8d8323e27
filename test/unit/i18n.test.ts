/**
 * The app in Chinese: every message the code passes to msg() has a translation with the same
 * placeholders, no translation is left over, and @lit/localize finds them at run time.
 */
import { describe, expect, it, vi } from 'vitest';
import { configureLocalization, msg, str } from '@lit/localize';
import { appMessages, extractMessages } from '../support/i18n-extract';
import { ZH_HANS } from '../../src/i18n/zh-Hans-catalog';
import { initialLocale } from '../../src/i18n/initial-locale';

const messages = appMessages('src');
const placeholders = (text: string) => [...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort();
/** Messages that read the same in both languages (units and names). */
const SAME_IN_BOTH = new Set<string>([]);

describe('the Chinese catalog', () => {
  it('finds the messages of the whole app', () => {
    expect(messages.size).toBeGreaterThan(150);
    for (const id of ['Chat', 'New chat', 'Model folder URL', 'Generation settings', 'Architecture', 'Compute calculator']) expect(messages.has(id), id).toBe(true);
  });

  it('translates every message, with the same placeholders', () => {
    const missing = [...messages.keys()].filter((m) => !(m in ZH_HANS));
    expect(missing, `untranslated messages:\n${missing.join('\n')}`).toEqual([]);
    for (const [source, target] of Object.entries(ZH_HANS)) {
      expect(placeholders(target), `placeholders of "${source}"`).toEqual(placeholders(source));
      if (!SAME_IN_BOTH.has(source) && /[A-Za-z]{3}/.test(source)) expect(target, source).not.toBe(source);
    }
  });

  it('has no stale translations for messages that no longer exist', () => {
    const stale = Object.keys(ZH_HANS).filter((m) => !messages.has(m));
    expect(stale).toEqual([]);
  });

  it('extracts plain strings and str templates as the catalog keys them', () => {
    const code = "msg('Plain'); msg(str`Layer ${l + 1}, head ${fn({ a: 1 })}`); msg(\"It's\"); msg(x)";
    expect(extractMessages(code)).toEqual(['Plain', 'Layer {0}, head {1}', "It's"]);
  });
});

describe('language choice', () => {
  it('keeps a remembered choice, else follows the browser, else English', () => {
    expect(initialLocale('en', ['zh-CN'])).toBe('en');
    expect(initialLocale(null, ['zh-CN', 'en'])).toBe('zh-Hans');
    expect(initialLocale(null, ['zh-TW'])).toBe('zh-Hans');
    expect(initialLocale(null, ['de-DE', 'en-US'])).toBe('en');
    expect(initialLocale('fr', ['fr-FR'])).toBe('en');
  });
});

describe('runtime lookup', () => {
  it('@lit/localize returns the Chinese text, with values in their place', async () => {
    vi.stubGlobal('window', new EventTarget()); // @lit/localize announces locale changes on window
    const { setLocale } = configureLocalization({ sourceLocale: 'en', targetLocales: ['zh-Hans'], loadLocale: () => import('../../src/i18n/zh-Hans') });
    await setLocale('zh-Hans');
    expect(msg('New chat')).toBe('新对话');
    const layer = 3;
    expect(msg(str`Layer ${layer}, head ${2}`)).toBe('第 3 层，第 2 个头');
    expect(msg(str`Causal: ${10} of ${16} pairs allowed (each token sees itself and the tokens before it).`)).toBe('因果：16 对中允许 10 对（每个词元只看到自己和前面的词元）。');
  });
});
