// Check that @huggingface/tokenizers (JS) encodes exactly like models/train/common.py Tokenizer.
// Usage (from the repo root, after npm install): node models/train/verify_tokenizer.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';

const models = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (m) => new Tokenizer(JSON.parse(readFileSync(join(models, m, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(join(models, m, 'tokenizer_config.json'), 'utf8')));
const casesFile = process.argv[2] ?? join(models, '.work', 'tok_cases.json');
const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
let bad = 0;
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
for (const [m, pre, post] of [['tl-gpt', [0], []], ['tl-bert', [3], [4]], ['tl-ernie', [3], [4]]]) {
  const tk = load(m);
  let n = 0;
  for (const c of cases) {
    const want = [...pre, ...c.ids, ...post];
    const got = tk.encode(c.text).ids.map(Number);
    const plain = tk.encode(c.text, { add_special_tokens: false }).ids.map(Number);
    const dec = tk.decode(got, { skip_special_tokens: true });
    if (!same(got, want) || !same(plain, c.ids)) {
      if (bad++ < 5) console.log('MISMATCH', m, JSON.stringify(c.text).slice(0, 80), got.slice(0, 20), want.slice(0, 20));
    } else if (!c.text.includes('\uFFFD') && dec !== c.text) {
      if (bad++ < 5) console.log('DECODE MISMATCH', m, JSON.stringify(c.text).slice(0, 80), JSON.stringify(dec).slice(0, 80));
    }
    n++;
  }
  console.log(m, 'checked', n, 'strings');
}
if (bad) { console.log('FAIL', bad); process.exit(1); }
console.log('tokenizer OK: JS ids == Python ids for all cases');
