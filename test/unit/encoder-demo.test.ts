/**
 * The architecture panel's default sentences (models/tl-bert|tl-ernie/reference.json `demo`) run
 * through the shipped ONNX encoders: both fill the demo token right, the recorded predictions are
 * what the models give, and on the demo phrase masked whole ERNIE gets more tokens right than BERT.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSentence } from '../../src/panels/architecture/embedded-facts';
import { REPO_ROOT } from '../support/paths';
import { loadEncoder, type Guess } from '../support/encoder-node';

interface DemoCase { text: string; mask_positions: number[]; phrase: { start: number; end: number }; input_ids: number[]; top5: Guess[][]; phrase_top1: Guess[] }
type Lang = 'en' | 'zh';

async function encoder(name: 'tl-bert' | 'tl-ernie') {
  const dir = path.join(REPO_ROOT, 'models', name);
  const { tokenizer, top1 } = await loadEncoder(dir);
  const demo = JSON.parse(readFileSync(path.join(dir, 'reference.json'), 'utf8')).demo as Record<Lang, DemoCase>;
  return { tokenizer, demo, fill: top1 };
}

const models = { bert: await encoder('tl-bert'), ernie: await encoder('tl-ernie') };
const phrasePositions = (c: DemoCase) => Array.from({ length: c.phrase.end - c.phrase.start }, (_, k) => c.phrase.start + k);

describe.each(['en', 'zh'] as const)('the %s demo sentence', (lang) => {
  const locale = lang === 'zh' ? 'zh-Hans' : 'en';
  it('is the panel’s default for its language, the same in both models’ reference.json', () => {
    expect(models.ernie.demo[lang]).toMatchObject({ text: models.bert.demo[lang].text, mask_positions: models.bert.demo[lang].mask_positions, phrase: models.bert.demo[lang].phrase });
    expect(demoSentence(locale)).toEqual({ text: models.bert.demo[lang].text, maskPositions: models.bert.demo[lang].mask_positions, phrase: models.bert.demo[lang].phrase });
  });

  it.each(['bert', 'ernie'] as const)('%s fills the demo token right, as recorded', async (slot) => {
    const { tokenizer, demo, fill } = models[slot];
    const c = demo[lang];
    const ids = tokenizer.encode(c.text, true);
    expect(ids).toEqual(c.input_ids);
    const guesses = await fill(ids, c.mask_positions);
    guesses.forEach((g, k) => {
      expect(g.id, `${slot} at ${c.mask_positions[k]}`).toBe(ids[c.mask_positions[k]]);
      expect(g.id).toBe(c.top5[k][0].id);
      expect(g.prob).toBeCloseTo(c.top5[k][0].prob, 3);
    });
  });

  it('masked as a whole phrase, ERNIE recovers more of it than BERT, as recorded', async () => {
    const right: Record<string, number> = {};
    for (const slot of ['bert', 'ernie'] as const) {
      const { demo, fill } = models[slot];
      const c = demo[lang];
      const guesses = await fill(c.input_ids, phrasePositions(c));
      expect(guesses.map((g) => g.id)).toEqual(c.phrase_top1.map((g) => g.id));
      right[slot] = guesses.filter((g, k) => g.id === c.input_ids[c.phrase.start + k]).length;
    }
    expect(right.ernie).toBeGreaterThan(right.bert);
  });
});
