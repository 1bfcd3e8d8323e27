/**
 * The architecture panel's arithmetic and data: the compute calculator against the GPT-3 appendix,
 * the temperature softmax, ERNIE-style masking units, masks, config summaries and the weight count
 * read from the embedded models' ONNX files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeBudget, formatCount, formatDecimalBytes, formatScientific, PF_DAY_FLOPS } from '../../src/panels/architecture/compute';
import { COMPUTE_PRESETS, FAMILIES, TIMELINE } from '../../src/panels/architecture/facts';
import { sampleIndex, softmaxWithTemperature, topK } from '../../src/core/distribution';
import { phraseUnits, unitAt } from '../../src/panels/architecture/masking-units';
import { maskAllows } from '../../src/panels/architecture/mask-grid-logic';
import { readArchSummary } from '../../src/engine/analysis/model-summary';
import { buildOptimumDecoder } from '../support/export-fixtures/graphs';
import { randomDecoderWeights, type DecoderSpec } from '../support/export-fixtures/weights';
import { countOnnxWeights } from '../../src/engine/graph/weight-count';
import { specialFlags } from '../../src/engine/analysis/special-tokens';

describe('compute calculator', () => {
  it('reproduces the GPT-3 175B row: 3.14e23 FLOPs, 3,640 PF-days, 700 GB in fp32', () => {
    const gpt3 = COMPUTE_PRESETS.find((p) => p.name === 'GPT-3 175B')!;
    const r = computeBudget({ params: gpt3.params, tokens: gpt3.tokens, gpuTflops: 125 });
    expect(formatScientific(r.trainFlops)).toBe('3.14e23');
    expect(Number(r.pfDays.toPrecision(3))).toBe(3640);
    expect(formatDecimalBytes(Number(r.weightBytes.fp32.toPrecision(2)))).toBe('700 GB');
    expect(formatDecimalBytes(Number(r.weightBytes.fp16.toPrecision(2)))).toBe('350 GB');
    // "GPT-3 175B ≈ 29,120 days" on one V100 at 125 TFLOP/s (the facts round PF-days first).
    expect(r.gpuDays).toBeGreaterThan(29_000);
    expect(r.gpuDays).toBeLessThan(29_200);
  });

  it('agrees with every appendix row to the precision the facts give', () => {
    for (const p of COMPUTE_PRESETS) {
      const r = computeBudget({ params: p.params, tokens: p.tokens, gpuTflops: 1 });
      expect(Math.abs(r.trainFlops - p.flops) / p.flops, p.name).toBeLessThan(0.01);
      expect(Math.abs(r.pfDays - p.pfDays) / p.pfDays, p.name).toBeLessThan(0.01);
    }
  });

  it('uses 2·N per generated token, and the measured rate when there is one', () => {
    const r = computeBudget({ params: 1e6, tokens: 1, gpuTflops: 1, measuredTokensPerSecond: 100 });
    expect(r.inferenceFlopsPerToken).toBe(2e6);
    expect(r.measuredFlopsPerSecond).toBe(2e8);
    expect(PF_DAY_FLOPS).toBe(8.64e19);
  });

  it('formats counts like the facts file', () => {
    expect(formatCount(117e6)).toBe('117M');
    expect(formatCount(1.5e9)).toBe('1.5B');
    expect(formatCount(174.6e9)).toBe('175B');
    expect(formatScientific(1.64e20)).toBe('1.64e20');
  });
});

describe('facts data', () => {
  it('holds the families and the timeline of the facts file', () => {
    expect(FAMILIES.map((f) => f.name)).toEqual(expect.arrayContaining(['GPT-1', 'GPT-2', 'GPT-3', 'InstructGPT', 'BERT-base', 'BERT-large', 'ERNIE 1.0', 'ERNIE 2.0', 'ERNIE 3.0', 'ERNIE 3.0 Titan']));
    expect(FAMILIES.find((f) => f.name === 'ERNIE 3.0 Titan')!.params).toBe(260e9);
    expect(TIMELINE.find((t) => t.name === 'PaLM')!.params).toBe(540e9);
    for (const f of FAMILIES) expect(f.data === null, f.name).toBe(f.data_zh === null);
  });
});

describe('next-token distribution', () => {
  it('is a softmax that sharpens as the temperature falls and is greedy at 0', () => {
    const logits = [1, 2, 3];
    const warm = softmaxWithTemperature(logits, 1);
    expect(warm.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(warm[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
    expect(softmaxWithTemperature(logits, 0.5)[2]).toBeGreaterThan(warm[2]);
    expect(Array.from(softmaxWithTemperature(logits, 0))).toEqual([0, 0, 1]);
    expect(topK(warm, 2).map((r) => r.id)).toEqual([2, 1]);
  });

  it('samples by cumulative probability', () => {
    expect(sampleIndex([0.2, 0.5, 0.3], 0.1)).toBe(0);
    expect(sampleIndex([0.2, 0.5, 0.3], 0.69)).toBe(1);
    expect(sampleIndex([0.2, 0.5, 0.3], 0.99)).toBe(2);
  });
});

describe('masks and masking units', () => {
  it('a causal mask allows the lower triangle, a full mask everything', () => {
    expect(maskAllows(true, 2, 1)).toBe(true);
    expect(maskAllows(true, 1, 2)).toBe(false);
    expect(maskAllows(false, 1, 2)).toBe(true);
  });

  it('groups sub-words into words, Capitalized runs into entities and Chinese into phrases', () => {
    const tokens = ['[CLS]', 'As', ' Mark', ' Tw', 'ain', ' said', ',', ' the', ' rep', 'ort', '[SEP]'];
    const special = tokens.map((t) => t.startsWith('['));
    const units = phraseUnits(tokens, special);
    expect(unitAt(units, 2)).toEqual({ start: 1, end: 5 }); // "As Mark Twain": three Capitalized words
    expect(unitAt(units, 9)).toEqual({ start: 8, end: 10 }); // " report"
    expect(unitAt(units, 6)).toEqual({ start: 6, end: 7 });
    const zh = ['[CLS]', '低', '头', '思', '故', '乡', '。', '[SEP]'];
    const zhUnits = phraseUnits(zh, zh.map((t) => t.startsWith('[')));
    expect(unitAt(zhUnits, 1)).toEqual({ start: 1, end: 3 });
    expect(unitAt(zhUnits, 4)).toEqual({ start: 3, end: 6 }); // a last single character joins the phrase before it
  });

  it('finds the special tokens the tokenizer added around the text', () => {
    expect(specialFlags([3, 10, 11, 4], [10, 11])).toEqual([true, false, false, true]);
    expect(specialFlags([0, 10, 11], [10, 11])).toEqual([true, false, false]);
  });
});

describe('config summaries', () => {
  it('reads a Llama decoder and a BERT encoder', () => {
    const gpt = readArchSummary({ model_type: 'llama', num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, hidden_size: 128, vocab_size: 4096, rms_norm_eps: 1e-5, rope_theta: 1e4 });
    expect(gpt).toMatchObject({ architecture: 'decoder', layers: 4, kvHeads: 2, norm: 'RMSNorm', positions: 'rotary', masking: null });
    const bert = readArchSummary({ model_type: 'bert', architectures: ['BertForMaskedLM'], num_hidden_layers: 3, num_attention_heads: 4, hidden_size: 96, masking: 'ernie-phrase-entity' });
    expect(bert).toMatchObject({ architecture: 'encoder', layers: 3, kvHeads: 4, norm: 'LayerNorm', positions: 'learned', masking: 'ernie-phrase-entity' });
    // Positions come from the config's settings, not from the model's name.
    expect(readArchSummary({ model_type: 'llama', num_hidden_layers: 1 }).positions).toBe('learned');
    expect(readArchSummary({ model_type: 'my-rotary-gpt', rotary_dim: 16 }).positions).toBe('rotary');
  });
});

describe('parameter count from the ONNX weights', () => {
  for (const name of ['tl-gpt', 'tl-bert', 'tl-ernie']) {
    const dir = `models/${name}`;
    // The embedded models are committed: a missing one is a failure, never a skip.
    it(`${name}: matches the architecture in config.json`, () => {
      expect(existsSync(`${dir}/onnx/model.onnx`), `${dir}/onnx/model.onnx is missing (bash models/train/rebuild.sh makes it)`).toBe(true);
      const config = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as Record<string, number> & { model_type: string };
      const counted = countOnnxWeights(new Uint8Array(readFileSync(`${dir}/onnx/model.onnx`))).parameters;
      const h = config.hidden_size;
      const layers = config.num_hidden_layers;
      const embed = config.vocab_size * h;
      // Weight matrices alone (biases and norms are a fraction of a percent here).
      const kv = config.num_key_value_heads ? config.num_key_value_heads * (config.head_dim ?? h / config.num_attention_heads) : h;
      const mlpMatrices = config.model_type === 'llama' ? 3 : 2;
      const matrices = embed + layers * (2 * h * h + 2 * h * kv + mlpMatrices * h * config.intermediate_size);
      expect(counted).toBeGreaterThanOrEqual(matrices);
      expect(counted / matrices).toBeLessThan(1.15);
    });
  }

  it('counts a quantized export as the parameters its weights encode: q8 and q4 count what fp32 and fp16 count', () => {
    const spec: DecoderSpec = { vocab: 64, hidden: 32, heads: 2, kvHeads: 1, headDim: 16, ffn: 64, layers: 2, maxPositions: 32, ropeTheta: 10000, rmsEps: 1e-6, qkvBias: false };
    const weights = randomDecoderWeights(spec, 3, [5, 6, 7]);
    const counts = (['fp32', 'fp16', 'q8', 'q4'] as const).map((dtype) => countOnnxWeights(buildOptimumDecoder(spec, weights, dtype).model));
    expect(counts.map((c) => c.parameters)).toEqual(Array(4).fill(counts[0].parameters));
    // Every projection of both layers and the head (7 · 2 + 1) is quantized in q8 and q4; scales count for nothing.
    expect(counts.map((c) => c.quantizedTensors)).toEqual([0, 0, 15, 15]);
    expect(counts[0].parameters).toBeGreaterThan(spec.vocab * spec.hidden + spec.layers * 4 * spec.hidden * spec.ffn / 2);
  });

  it('rejects a file that is not a protobuf', () => {
    expect(() => countOnnxWeights(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
  });
});
