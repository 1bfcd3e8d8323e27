/**
 * Searches the models' own corpus domains (fortunes, Tang poems) for the architecture panel's default
 * sentence of a language, one sentence for all three models (the panel runs them on the same text):
 * - tl-gpt's likeliest next token after it is a word (test/support/demo-criteria.ts), so the
 *   next-token slide opens on one, clear of the runner-up; the sentences are corpus lines cut before
 *   a word, so the true continuation is there to be guessed (a bonus when tl-gpt guesses it);
 * - both tl-bert and tl-ernie fill a single masked whole word right (the masked-token demo);
 * - masked whole, a multi-token phrase is recovered better by ERNIE than by BERT (the ERNIE-vs-BERT
 *   section).
 * The inside-a-head view needs nothing of the sentence: it opens on a middle query (head-inside.ts).
 * Prints the best candidates; the chosen ones are recorded by scripts/record-demo-sentences.mts.
 * Run: npx tsx scripts/find-demo-sentences.ts [en|zh] [lines] [sentence…]
 */
import { readFileSync } from 'node:fs';
import { loadEncoder } from '../test/support/encoder-node';
import { loadDecoder } from '../test/support/decoder-node';
import { isWholeWordAt, isWordLabel } from '../test/support/demo-criteria';
import { visibleToken } from '../src/panels/architecture/visible-token';
import { phraseUnits, positions } from '../src/panels/architecture/masking-units';

const lang = (process.argv[2] ?? 'en') as 'en' | 'zh';
const limit = Number(process.argv[3] ?? 400);
/** Further arguments: sentences to check instead of the corpus lines. */
const given = process.argv.slice(4);
const FORT = '/usr/share/games/fortunes';
/** The next-token slide's top bar must lead the second by this much, so no backend's rounding swaps them. */
const NEXT_MARGIN = 0.03;

function corpusLines(): string[] {
  const files = lang === 'zh' ? ['tang300', 'chinese'] : ['fortunes', 'wisdom', 'platitudes', 'people', 'literature'];
  const out: string[] = [];
  for (const f of files) {
    const raw = readFileSync(`${FORT}/${f}`, 'utf8');
    for (const doc of raw.split('\n%\n')) {
      for (const line of doc.split('\n').map((l) => l.trim())) {
        if (lang === 'zh') {
          if (/^[\p{Script=Han}，。]{10,16}$/u.test(line) && /。$/.test(line)) out.push(line);
        } else if (/^[A-Z][A-Za-z ,']{20,70}[.!]$/.test(line)) out.push(line);
      }
    }
  }
  return [...new Set(out)].slice(0, limit);
}

/** A line cut before one of its last words (English) or characters (Chinese): the sentence, and what followed. */
function cuts(line: string): { text: string; next: string }[] {
  if (lang === 'zh') {
    const chars = [...line.replace(/。$/, '')];
    const from = chars.indexOf('，') + 3;
    return chars.slice(from).map((next, k) => ({ text: chars.slice(0, from + k).join(''), next })).filter((c) => /\p{Script=Han}$/u.test(c.text));
  }
  const words = line.replace(/[.!]$/, '').split(' ');
  const out: { text: string; next: string }[] = [];
  for (let k = Math.max(4, Math.ceil(words.length / 2)); k < words.length; k++) out.push({ text: words.slice(0, k).join(' ').replace(/,$/, ''), next: words[k] });
  return out;
}

const bert = await loadEncoder('models/tl-bert');
const ernie = await loadEncoder('models/tl-ernie');
const gpt = await loadDecoder('models/tl-gpt');
const results: { text: string; score: number; line: string }[] = [];
const candidates = given.length ? given.map((text) => ({ text, next: '' })) : corpusLines().flatMap(cuts);
for (const { text, next } of candidates) {
  // The decoder first: one pass, and most cuts fail it.
  const { next: [top, second] } = await gpt.nextTokens(text, 2);
  if (!isWordLabel(top.label) || top.prob - second.prob < NEXT_MARGIN) continue;
  const guessed = next !== '' && visibleToken(gpt.tokenizer.tokenToString(gpt.tokenizer.encode(` ${next}`, false)[0])) === top.label;

  const ids = bert.tokenizer.encode(text, true);
  if (JSON.stringify(ids) !== JSON.stringify(ernie.tokenizer.encode(text, true))) continue;
  const special = ids.map((_, i) => i === 0 || i === ids.length - 1);
  const tokens = ids.map((id) => bert.tokenizer.tokenToString(id).replaceAll('\u2581', ' '));
  const labels = tokens.map(visibleToken);
  // The masked-token demo: a whole word both models fill right; a word of content ("window", not
  // "the") when there is one, then the surest.
  let demo: { pos: number; pb: number; pe: number; rank: number } | null = null;
  for (let p = 1; p < ids.length - 1; p++) {
    if (!isWholeWordAt(labels, special, p)) continue;
    const [[gb], [ge]] = [await bert.top1(ids, [p]), await ernie.top1(ids, [p])];
    const rank = (/\p{L}{4,}|\p{Script=Han}/u.test(labels[p]) ? 1 : 0) + Math.min(gb.prob, ge.prob);
    if (gb.id === ids[p] && ge.id === ids[p] && (!demo || rank > demo.rank)) demo = { pos: p, pb: gb.prob, pe: ge.prob, rank };
  }
  if (!demo) continue;

  // Every multi-token phrase: the one where ERNIE is furthest ahead of BERT, masked whole.
  const units = phraseUnits(tokens, special).filter((u) => !special[u.start]);
  let pick: { span: { start: number; end: number }; bw: number; ew: number; first: boolean } | null = null;
  const multi = units.filter((u) => u.end - u.start >= 2);
  for (const span of multi) {
    const whole = positions(span);
    const [b, e] = [await bert.top1(ids, whole), await ernie.top1(ids, whole)];
    const right = (g: { id: number }[]) => g.filter((x, k) => x.id === ids[whole[k]]).length;
    const [bw, ew] = [right(b), right(e)];
    if (ew > bw && (!pick || ew - bw > pick.ew - pick.bw || (ew - bw === pick.ew - pick.bw && ew > pick.ew))) pick = { span, bw, ew, first: span === multi[0] };
  }
  if (!pick) continue;
  const { span, bw, ew } = pick;
  const whole = positions(span);
  const phrase = tokens.slice(span.start, span.end).join('');
  const score = (ew - bw) / whole.length + (ew === whole.length ? 1 : 0) + (pick.first ? 0.5 : 0) + demo.rank + (guessed ? 1 : 0) + top.prob;
  const found = {
    text,
    score,
    line: `${score.toFixed(2)} ${JSON.stringify(text)} next ${JSON.stringify(top.label)} ${(top.prob * 100).toFixed(1)}% (2nd ${JSON.stringify(second.label)} ${(second.prob * 100).toFixed(1)}%)${guessed ? ' = the line' : ''}; phrase=${JSON.stringify(phrase)} span=${span.start}-${span.end}${pick.first ? ' (first)' : ''} bert ${bw}/${whole.length} ernie ${ew}/${whole.length}; demo pos ${demo.pos} ${JSON.stringify(labels[demo.pos])} bert ${(demo.pb * 100).toFixed(1)}% ernie ${(demo.pe * 100).toFixed(1)}%`,
  };
  results.push(found);
}
await gpt.release();
results.sort((a, b) => b.score - a.score);
for (const r of results.slice(0, 25)) console.log(r.line);
console.log(`${results.length} of ${candidates.length} candidates qualify`);
