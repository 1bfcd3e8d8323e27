/**
 * What makes a default sentence teach (issue: "defaults that make the point"), on tokens as the lesson
 * shows them (`visibleToken`: a leading space is `·`). One definition for the script that searches the
 * corpus (scripts/find-demo-sentences.ts), the unit test on the recorded sentences and the browser
 * tests that read the slides' labels.
 */

const HAN = /^\p{Script=Han}$/u;

/**
 * A next token that reads as a word: a Chinese character, or a new word of two or more letters
 * (`·word`). Not ↵, not <|endoftext|>, not punctuation, a byte piece nor the end of the last word
 * ("self" after "my").
 */
export function isWordLabel(label: string): boolean {
  return HAN.test(label) || /^·\p{L}{2,}$/u.test(label);
}

/**
 * Token `i` is a whole word on its own: a Chinese character, or three or more letters that start a
 * word (`·` or the first token after the special ones) and that the next token does not continue (it
 * is special, starts a word, or is punctuation other than an apostrophe), so neither "ature" of
 * N|ature nor "Don" of Don|'|t is one.
 */
export function isWholeWordAt(labels: readonly string[], special: readonly boolean[], i: number): boolean {
  const label = labels[i];
  if (special[i] || label === undefined) return false;
  if (HAN.test(label)) return true;
  const startsWord = label.startsWith('·') || i === 0 || special[i - 1];
  const next = labels[i + 1];
  const ends = next === undefined || special[i + 1] || next.startsWith('·') || !/^[\p{L}\p{N}'’]/u.test(next);
  return startsWord && ends && /^·?\p{L}{3,}$/u.test(label);
}
