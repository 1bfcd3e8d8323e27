/**
 * Searches the encoders' own corpus domains (fortunes, Tang poems) for the architecture panel's
 * default sentences: one where both tl-bert and tl-ernie fill a single masked token right (the
 * masked-token demo) and whose first multi-token phrase ERNIE recovers better than BERT when it
 * is masked whole (the ERNIE-vs-BERT section). Prints the best candidates per language; the
 * chosen ones are recorded by hand in models/tl-bert|tl-ernie/reference.json (`demo`).
 * Run: npx tsx scripts/find-demo-sentences.ts [en|zh] [limit]
 */
import { readFileSync } from 'node:fs';
import { loadEncoder } from '../test/support/encoder-node';
import { phraseUnits, positions } from '../src/panels/architecture/masking-units';

const lang = (process.argv[2] ?? 'en') as 'en' | 'zh';
const limit = Number(process.argv[3] ?? 400);
/** Further arguments: sentences to check instead of the corpus lines. */
const given = process.argv.slice(4);
const FORT = '/usr/share/games/fortunes';

function candidates(): string[] {
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


const bert = await loadEncoder('models/tl-bert');
const ernie = await loadEncoder('models/tl-ernie');
const results: { text: string; score: number; line: string }[] = [];
for (const text of given.length ? given : candidates()) {
  const ids = bert.tokenizer.encode(text, true);
  if (JSON.stringify(ids) !== JSON.stringify(ernie.tokenizer.encode(text, true))) continue;
  const plain = bert.tokenizer.encode(text, false);
  const special = ids.map((_, i) => i === 0 || i === ids.length - 1 || ids.length === plain.length && false);
  const tokens = ids.map((id) => bert.tokenizer.tokenToString(id).replaceAll('\u2581', ' '));
  const units = phraseUnits(tokens, special).filter((u) => !special[u.start]);
  // Every multi-token phrase: the one where ERNIE is furthest ahead of BERT, masked whole.
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
  // The masked-token demo: a word token (letters or a Chinese character) both models fill right.
  let demo: { pos: number; pb: number; pe: number } | null = null;
  for (let p = 1; p < ids.length - 1; p++) {
    if (!/[\p{L}]/u.test(tokens[p]) || (lang === 'en' && !/^ ?\p{L}{3,}$/u.test(tokens[p]))) continue;
    const [[gb], [ge]] = [await bert.top1(ids, [p]), await ernie.top1(ids, [p])];
    if (gb.id === ids[p] && ge.id === ids[p] && (!demo || Math.min(gb.prob, ge.prob) > Math.min(demo.pb, demo.pe))) demo = { pos: p, pb: gb.prob, pe: ge.prob };
  }
  if (!demo) continue;
  const phrase = tokens.slice(span.start, span.end).join('');
  const score = (ew - bw) / whole.length + (ew === whole.length ? 1 : 0) + (pick.first ? 0.5 : 0) + Math.min(demo.pb, demo.pe);
  const found = { text, score, line: `${score.toFixed(2)} ${JSON.stringify(text)} phrase=${JSON.stringify(phrase)} span=${span.start}-${span.end}${pick.first ? ' (first)' : ''} bert ${bw}/${whole.length} ernie ${ew}/${whole.length}; demo pos ${demo.pos} ${JSON.stringify(tokens[demo.pos])} bert ${(demo.pb * 100).toFixed(1)}% ernie ${(demo.pe * 100).toFixed(1)}%` };
  results.push(found);
  if (ew === whole.length) console.error(`whole-right: ${found.line}`);
}
results.sort((a, b) => b.score - a.score);
for (const r of results.slice(0, 25)) console.log(r.line);
console.log(`${results.length} candidates qualify`);
