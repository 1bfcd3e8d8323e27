/**
 * Records the architecture panel's default sentences, one per language for all three models:
 * - models/tl-bert|tl-ernie/reference.json `demo`: the sentence, the whole word the masked-token demo
 *   hides with each model's top-5 there, and the phrase the ERNIE-vs-BERT section masks whole with
 *   each model's top-1 for it;
 * - models/tl-gpt/reference.json `demo`: the sentence, the decoder's ids and its top-5 next tokens
 *   (what the next-token slide opens on).
 * The sentences were chosen with scripts/find-demo-sentences.ts; test/unit/encoder-demo.test.ts checks
 * the recorded predictions against the ONNX files. Running it again writes the same bytes.
 * Run: npx tsx scripts/record-demo-sentences.mts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadEncoder } from '../test/support/encoder-node';
import { loadDecoder } from '../test/support/decoder-node';

const CHOSEN = {
  en: { text: 'Faith goes out through the window when beauty comes in at', mask_positions: [8], phrase: { start: 4, end: 6 } },
  zh: { text: '无边落木萧萧下，不尽长江滚滚', mask_positions: [12], phrase: { start: 11, end: 13 } },
};

/** Probabilities rounded as reference.json keeps them. */
const rounded = <T extends { prob: number }>(g: T): T => ({ ...g, prob: Number(g.prob.toFixed(6)) });

function writeDemo(dir: string, demo: Record<string, unknown>): void {
  const path = `${dir}/reference.json`;
  const reference = JSON.parse(readFileSync(path, 'utf8'));
  reference.demo = demo;
  writeFileSync(path, JSON.stringify(reference, null, 1) + '\n');
  console.log(dir, JSON.stringify(demo, null, 0).slice(0, 2000));
}

/**
 * tl-gpt's reference.json keeps export_gpt.py's layout (id lists on one line): `demo` is written as its
 * last key, in place of the one there, and nothing before it changes.
 */
function appendDemo(dir: string, demo: Record<string, unknown>): void {
  const path = `${dir}/reference.json`;
  const text = readFileSync(path, 'utf8');
  const cut = text.indexOf(',\n "demo": ');
  const body = (cut >= 0 ? text.slice(0, cut) : text.replace(/\n}\n$/, '')) + `,\n "demo": ${JSON.stringify(demo, null, 1).replaceAll('\n', '\n ')}\n}\n`;
  // A key after `demo` would be cut: the file must still read as the same object with the new demo.
  if (JSON.stringify(JSON.parse(body)) !== JSON.stringify({ ...JSON.parse(text), demo })) throw new Error(`${path}: demo is not its last key`);
  writeFileSync(path, body);
  console.log(dir, JSON.stringify(demo, null, 0).slice(0, 2000));
}

for (const name of ['tl-bert', 'tl-ernie']) {
  const dir = `models/${name}`;
  const { tokenizer, guesses } = await loadEncoder(dir);
  const topK = async (ids: number[], masked: number[], k: number) => (await guesses(ids, masked, k)).map((row) => row.map(rounded));
  const demo: Record<string, unknown> = {};
  for (const [lang, c] of Object.entries(CHOSEN)) {
    const ids = tokenizer.encode(c.text, true);
    const phrase = Array.from({ length: c.phrase.end - c.phrase.start }, (_, k) => c.phrase.start + k);
    demo[lang] = {
      ...c,
      input_ids: ids,
      top5: await topK(ids, c.mask_positions, 5),
      phrase_top1: (await topK(ids, phrase, 1)).map((t) => t[0]),
    };
  }
  writeDemo(dir, demo);
}

const gpt = await loadDecoder('models/tl-gpt');
const demo: Record<string, unknown> = {};
for (const [lang, c] of Object.entries(CHOSEN)) {
  const { ids, next } = await gpt.nextTokens(c.text, 5);
  demo[lang] = { text: c.text, input_ids: ids, next_top5: next.map(({ id, token, prob }) => rounded({ id, token, prob })) };
}
await gpt.release();
appendDemo('models/tl-gpt', demo);
