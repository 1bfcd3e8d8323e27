/**
 * ERNIE-style masking units over display tokens: whole words (sub-word pieces joined), runs of
 * Capitalized words as one named entity ("Mark Twain"), and runs of Chinese characters cut into
 * two-character phrases (a last single character joins the phrase before it). BERT masks single
 * tokens instead. A simplified, deterministic version of the rules tl-ernie was trained with.
 */

export interface Span {
  start: number;
  /** Exclusive. */
  end: number;
}

const CJK = /\p{Script=Han}/u;
const WORDISH = /[\p{L}\p{N}]/u;

function isCjk(token: string): boolean {
  return CJK.test(token.trim());
}

/** `special[i]` marks positions that are never masked ([CLS], [SEP]). */
export function phraseUnits(tokens: readonly string[], special: readonly boolean[]): Span[] {
  // 1. atoms: a token that does not start a new word continues the word before it.
  const atoms: Span[] = [];
  tokens.forEach((token, i) => {
    const prev = atoms[atoms.length - 1];
    const continues =
      prev && !special[i] && !special[i - 1] && prev.end === i && !token.startsWith(' ') && !isCjk(token) && WORDISH.test(token[0] ?? '') &&
      WORDISH.test(tokens[i - 1].slice(-1));
    if (continues) prev.end = i + 1;
    else atoms.push({ start: i, end: i + 1 });
  });
  const text = (s: Span) => tokens.slice(s.start, s.end).join('').trim();
  const units: Span[] = [];
  for (let a = 0; a < atoms.length; ) {
    const atom = atoms[a];
    if (special[atom.start]) {
      units.push(atom);
      a++;
      continue;
    }
    // 2. named entities: two or more Capitalized words in a row.
    let b = a;
    while (b < atoms.length && !special[atoms[b].start] && /^\p{Lu}\p{Ll}/u.test(text(atoms[b]))) b++;
    if (b - a >= 2) {
      units.push({ start: atom.start, end: atoms[b - 1].end });
      a = b;
      continue;
    }
    // 3. Chinese runs: two-character phrases.
    b = a;
    while (b < atoms.length && !special[atoms[b].start] && isCjk(tokens[atoms[b].start])) b++;
    if (b - a >= 2) {
      for (let p = a; p < b; ) {
        const take = b - p === 3 ? 3 : Math.min(2, b - p);
        units.push({ start: atoms[p].start, end: atoms[p + take - 1].end });
        p += take;
      }
      a = b;
      continue;
    }
    units.push(atom);
    a++;
  }
  return units;
}

/** The unit that holds token `index`. */
export function unitAt(units: readonly Span[], index: number): Span | undefined {
  return units.find((u) => u.start <= index && index < u.end);
}

export function positions(span: Span): number[] {
  return Array.from({ length: span.end - span.start }, (_, k) => span.start + k);
}
