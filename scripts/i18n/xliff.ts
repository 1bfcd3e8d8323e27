/**
 * Reads the XLIFF file that `lit-localize extract` writes (xliff/<locale>.xlf) as plain sentences:
 * each placeholder written the way translators and tests read it, `{0}`, `{1}`… for the `${…}`
 * expressions of a `str` or `html` template, in source order.
 *
 * `extract` joins expressions that only whitespace separates into one placeholder
 * (`${p.status} ${p.statusText}` is one <x/>, read as `{0} {1}`), so a translation keeps those
 * together, in the same order.
 */

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ENTITIES[name]);

/** One placeholder of a source: its XML as the CLI wrote it, and how it reads in a sentence (`{1} {2}`). */
export interface Placeholder {
  xml: string;
  text: string;
}

export interface XliffUnit {
  id: string;
  /** The English sentence, placeholders as `{0}`… */
  source: string;
  /** The translation read the same way, or null where there is no <target>. */
  target: string | null;
  placeholders: Placeholder[];
}

/** One <trans-unit> as `extract` writes it: the unit's head with its source, then an optional target. */
const UNIT = /(<trans-unit id="([^"]+)">\n {2}<source>([\s\S]*?)<\/source>\n)(?: {2}<target>([\s\S]*?)<\/target>\n)?/g;
const PLACEHOLDER = /<x id="(\d+)" equiv-text="([^"]*)"\/>/g;

/** `${a} ${b}` → `{0} {1}`: each top-level `${…}` becomes the next number; markup around them stays. */
function numberExpressions(code: string, next: () => number): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    if (!code.startsWith('${', i)) {
      out += code[i++];
      continue;
    }
    let depth = 1;
    for (i += 2; depth > 0 && i < code.length; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}') depth--;
    }
    out += `{${next()}}`;
  }
  return out;
}

/** Unescapes the text of a <source> or <target> and writes each <x/> as `placeholder(id, xml, equivText)` says. */
function readContent(xml: string, placeholder: (id: number, xml: string, equivText: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of xml.matchAll(PLACEHOLDER)) {
    out += unescapeXml(xml.slice(last, m.index)) + placeholder(Number(m[1]), m[0], unescapeXml(m[2]));
    last = m.index + m[0].length;
  }
  return out + unescapeXml(xml.slice(last));
}

/** A <source>'s content as a sentence, with its placeholders by id. */
function readSource(sourceXml: string): { source: string; placeholders: Placeholder[] } {
  let expression = 0;
  const placeholders: Placeholder[] = [];
  const source = readContent(sourceXml, (id, xml, equivText) => {
    placeholders[id] = { xml, text: numberExpressions(equivText, () => expression++) };
    return placeholders[id].text;
  });
  return { source, placeholders };
}

export function parseXliff(xliff: string): XliffUnit[] {
  return [...xliff.matchAll(UNIT)].map(([, , id, sourceXml, targetXml]) => {
    const { source, placeholders } = readSource(sourceXml);
    // A target writes each placeholder as its source does, wherever the translation puts it.
    const target = targetXml === undefined ? null : readContent(targetXml, (id) => placeholders[id]?.text ?? `{?${id}}`);
    return { id, source, target, placeholders };
  });
}
