/**
 * Records the architecture panel's default sentences in models/tl-bert|tl-ernie/reference.json
 * (`demo`): per language the sentence, the token the masked-token demo hides with each model's
 * top-5 there, and the phrase the ERNIE-vs-BERT section masks whole with each model's top-1 for
 * it. The sentences were chosen with scripts/find-demo-sentences.ts; test/unit/encoder-demo.test.ts
 * checks the recorded predictions against the ONNX files. Run: npx tsx scripts/record-demo-sentences.mts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadEncoder } from '../test/support/encoder-node';

const CHOSEN = {
  en: { text: "Death is Nature's way of recycling human beings.", mask_positions: [6], phrase: { start: 16, end: 18 } },
  zh: { text: '无边落木萧萧下，不尽长江滚滚来。', mask_positions: [13], phrase: { start: 11, end: 13 } },
};

for (const name of ['tl-bert', 'tl-ernie']) {
  const dir = `models/${name}`;
  const { tokenizer, guesses } = await loadEncoder(dir);
  // Probabilities rounded as reference.json keeps them.
  const topK = async (ids: number[], masked: number[], k: number) =>
    (await guesses(ids, masked, k)).map((row) => row.map((g) => ({ ...g, prob: Number(g.prob.toFixed(6)) })));
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
  const path = `${dir}/reference.json`;
  const reference = JSON.parse(readFileSync(path, 'utf8'));
  reference.demo = demo;
  writeFileSync(path, JSON.stringify(reference, null, 1) + '\n');
  console.log(name, JSON.stringify(demo, null, 0).slice(0, 2000));
}
