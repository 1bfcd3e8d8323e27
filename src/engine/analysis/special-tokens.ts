/** Which token ids a tokenizer's template added around a text ([CLS], [SEP], <bos>). */

/** Marks the ids around the plain text's ids: the ones the tokenizer's template added. */
export function specialFlags(withSpecial: number[], plain: number[]): boolean[] {
  for (let start = 0; start + plain.length <= withSpecial.length; start++) {
    if (plain.every((id, k) => withSpecial[start + k] === id)) return withSpecial.map((_, i) => i < start || i >= start + plain.length);
  }
  return withSpecial.map(() => false);
}
