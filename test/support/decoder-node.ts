/**
 * The embedded decoder (models/tl-gpt) on onnxruntime-node, as the next-token slide runs it: the
 * sentence through the decoder's tokenizer (with its <|endoftext|> in front), one cached step, the
 * softmax of the last position. The session is native-greedy's; shared by the script that chooses
 * the demo sentences, the one that records them and the test that checks them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TextTokenizer } from '../../src/engine/tokenizer';
import { readDecoderConfig } from '../../src/core/model-config';
import { visibleToken } from '../../src/panels/architecture/visible-token';
import { nativeSession } from './native-greedy';
import type { Guess } from './encoder-node';

export async function loadDecoder(dir: string) {
  const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const tokenizer = new TextTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
  const config = readDecoderConfig(read('config.json'), read('generation_config.json'), read('tokenizer_config.json'));
  const session = await nativeSession(new Uint8Array(readFileSync(path.join(dir, 'onnx/model.onnx'))), [], config);

  /** The k likeliest next tokens after `text`, likeliest first, with the label the slide shows. */
  async function nextTokens(text: string, k: number): Promise<{ ids: number[]; next: (Guess & { label: string })[] }> {
    const ids = tokenizer.encode(text, true);
    const cache = session.newCache();
    try {
      const logits = await session.forward(ids, cache);
      let max = -Infinity;
      for (const x of logits) max = Math.max(max, x);
      let sum = 0;
      for (const x of logits) sum += Math.exp(x - max);
      const next = Array.from(logits, (x, id) => ({ id, prob: Math.exp(x - max) / sum }))
        .sort((a, b) => b.prob - a.prob)
        .slice(0, k)
        .map((g) => ({ ...g, token: tokenizer.tokenToString(g.id), label: visibleToken(tokenizer.tokenToString(g.id)) }));
      return { ids, next };
    } finally {
      cache.dispose();
    }
  }
  return { tokenizer, nextTokens, release: () => session.release() };
}
