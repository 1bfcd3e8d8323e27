/**
 * A token as the lecture shows it: characters that would print as nothing are made visible, so a
 * newline or a space that is the most likely next token still has a label. Newline ↵, space and
 * the SentencePiece word mark ▁ ·, tab →, carriage return ␍; byte-fallback pieces stay `<0xE6>`
 * except the three bytes above, shown as their symbol. Used for bars, chips, heatmap labels and
 * the mask grid alike.
 */
const BYTE_SYMBOLS: Record<string, string> = { '<0x0A>': '↵', '<0x09>': '→', '<0x20>': '·', '<0x0D>': '␍' };
const CHAR_SYMBOLS: Record<string, string> = { '\n': '↵', '\t': '→', ' ': '·', '\u2581': '·', '\r': '␍' };

export function visibleToken(token: string): string {
  if (token in BYTE_SYMBOLS) return BYTE_SYMBOLS[token];
  if (token === '') return '∅';
  return token.replace(/[\n\t \u2581\r]/g, (c) => CHAR_SYMBOLS[c]);
}
