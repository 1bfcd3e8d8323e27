/**
 * An embedded encoder (models/tl-bert, models/tl-ernie) run on onnxruntime-node, as the panel's
 * masked-token demos run it: [MASK] at the given positions, then the softmax at each of them. Shared
 * by the scripts that choose and record the demo sentences and by the test that checks them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { TextTokenizer } from '../../src/engine/tokenizer';

export interface Guess {
  id: number;
  token: string;
  prob: number;
}

export async function loadEncoder(dir: string) {
  const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const tokenizer = new TextTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
  const session = await ort.InferenceSession.create(path.join(dir, 'onnx/model.onnx'));
  const mask = tokenizer.tokenId('[MASK]')!;
  const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);

  /** The k likeliest tokens at each masked position, likeliest first. */
  async function guesses(ids: number[], masked: number[], k: number): Promise<Guess[][]> {
    const input = ids.map((id, i) => (masked.includes(i) ? mask : id));
    const r = await session.run({ input_ids: i64(input), attention_mask: i64(input.map(() => 1)), token_type_ids: i64(input.map(() => 0)) });
    const V = r.logits.dims[2];
    const logits = r.logits.data as Float32Array;
    return masked.map((p) => {
      const row = logits.subarray(p * V, (p + 1) * V);
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      let sum = 0;
      for (const x of row) sum += Math.exp(x - max);
      return Array.from(row, (x, id) => ({ id, token: tokenizer.tokenToString(id), prob: Math.exp(x - max) / sum }))
        .sort((a, b) => b.prob - a.prob)
        .slice(0, k);
    });
  }
  /** The likeliest token at each masked position. */
  const top1 = async (ids: number[], masked: number[]): Promise<Guess[]> => (await guesses(ids, masked, 1)).map(([best]) => best);
  return { tokenizer, guesses, top1 };
}
