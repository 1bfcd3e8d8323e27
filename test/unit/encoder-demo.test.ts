/**
 * The architecture panel's default sentences (models/tl-bert|tl-ernie/reference.json `demo`) run
 * through the shipped ONNX encoders: both fill the demo token right, the recorded predictions are
 * what the models give, and on the demo phrase masked whole ERNIE gets more tokens right than BERT.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../src/engine/tokenizer';
import { demoSentence } from '../../src/panels/architecture/embedded-facts';
import { REPO_ROOT } from '../support/paths';

interface Guess { id: number; token: string; prob: number }
interface DemoCase { text: string; mask_positions: number[]; phrase: { start: number; end: number }; input_ids: number[]; top5: Guess[][]; phrase_top1: Guess[] }
type Lang = 'en' | 'zh';

async function encoder(name: 'tl-bert' | 'tl-ernie') {
  const dir = path.join(REPO_ROOT, 'models', name);
  const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const tokenizer = new TextTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
  const session = await ort.InferenceSession.create(path.join(dir, 'onnx/model.onnx'));
  const demo = read('reference.json').demo as Record<Lang, DemoCase>;
  const mask = tokenizer.tokenId('[MASK]')!;
  const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
  /** Top-1 id and probability at each masked position. */
  async function fill(ids: number[], masked: number[]): Promise<{ id: number; prob: number }[]> {
    const input = ids.map((id, i) => (masked.includes(i) ? mask : id));
    const r = await session.run({ input_ids: i64(input), attention_mask: i64(input.map(() => 1)), token_type_ids: i64(input.map(() => 0)) });
    const V = r.logits.dims[2];
    const logits = r.logits.data as Float32Array;
    return masked.map((p) => {
      const row = Array.from(logits.subarray(p * V, (p + 1) * V));
      const max = Math.max(...row);
      const best = row.indexOf(max);
      return { id: best, prob: 1 / row.reduce((s, x) => s + Math.exp(x - max), 0) };
    });
  }
  return { tokenizer, demo, fill };
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
