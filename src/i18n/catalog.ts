/**
 * Turns a translation catalog keyed by the English source text into the `templates` object that
 * @lit/localize's runtime looks messages up in. Sources use `{0}`, `{1}`… where the `str` template
 * in the code has `${…}` expressions, so translators see whole sentences and can reorder them.
 */
import { generateMsgId } from '@lit/localize/internal/id-generation.js';
import type { LocaleModule, StrResult } from '@lit/localize';

const PLACEHOLDER = /\{(\d+)\}/g;

/** The message id @lit/localize computes for a plain or `str` message with this source. */
export function messageId(source: string): string {
  return generateMsgId(source.split(/\{\d+\}/), false);
}

export function buildTemplates(catalog: Readonly<Record<string, string>>): LocaleModule['templates'] {
  const templates: Record<string, string | StrResult> = {};
  for (const [source, target] of Object.entries(catalog)) {
    const order = [...target.matchAll(PLACEHOLDER)].map((m) => Number(m[1]));
    templates[messageId(source)] = order.length
      ? ({ strTag: true, strings: Object.assign(target.split(/\{\d+\}/), { raw: [] }), values: order } as unknown as StrResult)
      : target;
  }
  return templates as LocaleModule['templates'];
}
