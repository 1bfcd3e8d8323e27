/**
 * The lesson's default sentences make its points (test/support/demo-criteria.ts): tl-gpt's likeliest
 * next token after the sentence is a word, clear of the runner-up and as recorded in
 * models/tl-gpt/reference.json `demo`; the masked-token demo hides a whole word, not a piece of one.
 * The decoder runs on onnxruntime-node as the next-token slide runs it. The criteria themselves are
 * checked on the tokens that made the old default fail ("ature", "↵", <|endoftext|>).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths';
import { loadDecoder } from '../support/decoder-node';
import { loadEncoder, type Guess } from '../support/encoder-node';
import { isWholeWordAt, isWordLabel } from '../support/demo-criteria';
import { visibleToken } from '../../src/panels/architecture/visible-token';

type Lang = 'en' | 'zh';
const read = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'models', name, 'reference.json'), 'utf8'));
const encoderDemo = read('tl-bert').demo as Record<Lang, { text: string; mask_positions: number[]; input_ids: number[] }>;
const decoderDemo = read('tl-gpt').demo as Record<Lang, { text: string; input_ids: number[]; next_top5: Guess[] }>;
const gpt = await loadDecoder(path.join(REPO_ROOT, 'models/tl-gpt'));
const bert = await loadEncoder(path.join(REPO_ROOT, 'models/tl-bert'));
afterAll(() => gpt.release());

describe('what a default sentence must give', () => {
  it('a next token that is a word: not a newline, the end of text, punctuation or a piece of one letter', () => {
    for (const label of ['·beings', '来', '·The']) expect(isWordLabel(label), label).toBe(true);
    for (const label of ['↵', '<|endoftext|>', '.', '，', '·c', 's', 'self', '<0xE6>', '·']) expect(isWordLabel(label), label).toBe(false);
  });

  it('a masked token that is a whole word, not a piece of one', () => {
    const labels = ['[CLS]', 'D', 'e', 'ath', '·is', '·N', 'ature', "'", 's', '·way', '·of', '·human', '·being', 's', '.', '[SEP]'];
    const special = labels.map((_, i) => i === 0 || i === labels.length - 1);
    const whole = labels.map((_, i) => isWholeWordAt(labels, special, i));
    expect(labels.filter((_, i) => whole[i])).toEqual(['·way', '·human']);
    const contraction = ['[CLS]', 'Don', "'", 't', '·look', '[SEP]'];
    expect(contraction.map((_, i) => isWholeWordAt(contraction, [true, false, false, false, false, true], i))).toEqual([false, false, false, false, true, false]);
    const zh = ['[CLS]', '无', '边', '，', '[SEP]'];
    expect(zh.map((_, i) => isWholeWordAt(zh, [true, false, false, false, true], i))).toEqual([false, true, true, false, false]);
  });
});

describe.each(['en', 'zh'] as const)('the %s default sentence', (lang) => {
  const c = decoderDemo[lang];

  it('is the encoders’ default sentence too', () => {
    expect(c.text).toBe(encoderDemo[lang].text);
  });

  it('leads tl-gpt to a word as its likeliest next token, as recorded', async () => {
    const { ids, next } = await gpt.nextTokens(c.text, 5);
    expect(ids).toEqual(c.input_ids);
    expect(next.map((g) => g.id)).toEqual(c.next_top5.map((g) => g.id));
    next.forEach((g, k) => expect(g.prob).toBeCloseTo(c.next_top5[k].prob, 3));
    expect(isWordLabel(next[0].label), `next token ${next[0].label}`).toBe(true);
    // Clear of the runner-up: no backend's rounding can swap the top bar.
    expect(next[0].prob - next[1].prob).toBeGreaterThan(0.01);
  });

  it('hides a whole word in the masked-token demo', () => {
    const { input_ids: ids, mask_positions: masked } = encoderDemo[lang];
    const labels = ids.map((id) => visibleToken(bert.tokenizer.tokenToString(id)));
    const special = ids.map((_, i) => i === 0 || i === ids.length - 1);
    for (const p of masked) expect(isWholeWordAt(labels, special, p), `${labels[p]} at ${p}`).toBe(true);
  });
});
