/**
 * A Hub-shaped repo for the lesson's fused-attention test, written at test time: an
 * onnxruntime-genai builder decoder (GroupQueryAttention, RotaryEmbedding, SimplifiedLayerNormalization,
 * MatMulNBits) with fp32 activations, as builder.py writes int4 models for CPU, so that it also runs
 * on a GPU without shader-f16 (SwiftShader's WebGPU). The stories260k fixture lends its tokenizer
 * (512 tokens: a small vocabulary keeps the repo small). The seed is the first whose native greedy
 * steps on `sentence` lead their runner-up by `MIN_MARGIN`, so the browser's top-1 can be compared
 * with native onnxruntime's.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_MODEL_DIR } from '../paths';
import { TextTokenizer } from '../../../src/engine/tokenizer';
import { randomDecoderWeights, type DecoderSpec } from './weights';
import { buildGenaiDecoder } from './graphs';
import { nativeGreedy, type GreedyReference } from './reference';
import { MIN_MARGIN } from './repos';

export interface LessonGenaiRepo {
  dir: string;
  /** The sentence's ids as the lesson tokenizes it (with <s>). */
  promptIds: number[];
  /** Native onnxruntime's greedy continuation of them. */
  reference: GreedyReference;
}

const SPEC: DecoderSpec = {
  vocab: 512, hidden: 32, heads: 2, kvHeads: 1, headDim: 16, ffn: 64, layers: 2, maxPositions: 512, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false,
};

export async function buildLessonGenaiRepo(dir: string, sentence: string): Promise<LessonGenaiRepo> {
  const read = (file: string) => JSON.parse(readFileSync(path.join(FIXTURE_MODEL_DIR, file), 'utf8')) as Record<string, unknown>;
  const tokenizer = new TextTokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
  const promptIds = tokenizer.encode(sentence, true);
  const candidates = [...new Set(tokenizer.encode(' the cat sat on a warm mat and watched small birds fly over green hills', false))];
  for (let seed = 1; seed <= 200; seed++) {
    const graph = buildGenaiDecoder(SPEC, randomDecoderWeights(SPEC, seed, candidates), { float: 'float' });
    const reference = await nativeGreedy(graph.model, [], promptIds, 3);
    if (Math.min(...reference.margins) < MIN_MARGIN) continue;
    mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    writeFileSync(path.join(dir, 'onnx/model.onnx'), graph.model);
    for (const file of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(path.join(FIXTURE_MODEL_DIR, file), path.join(dir, file));
    const config = {
      architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: SPEC.hidden, intermediate_size: SPEC.ffn,
      num_attention_heads: SPEC.heads, num_key_value_heads: SPEC.kvHeads, head_dim: SPEC.headDim, num_hidden_layers: SPEC.layers,
      vocab_size: SPEC.vocab, max_position_embeddings: SPEC.maxPositions, rms_norm_eps: SPEC.rmsEps, rope_theta: SPEC.ropeTheta, eos_token_id: 2,
    };
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
    writeFileSync(path.join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: 2 }));
    return { dir, promptIds, reference };
  }
  throw new Error(`no seed in 1..200 gives native greedy margins ≥ ${MIN_MARGIN} on "${sentence}"`);
}
