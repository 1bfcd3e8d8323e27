/**
 * The same model, prompt and backend through transformers.js's own `generate`, for the
 * "ours ÷ transformers.js" ratio. Loaded lazily (its JS is ~1 MB). In the app's build a Vite alias binds
 * it to the app's asyncify build of onnxruntime-web (its own import, `onnxruntime-web/webgpu`), so the
 * app does not ship another ORT WASM binary; the
 * benchmark build (`--mode bench`) leaves it its own (1.31, native WebGPU EP), as its users get it.
 */
import type { Backend } from '../../core/protocol';
import type { DecoderConfig } from '../../core/model-config';
import { ortBuild, type Ort } from '../../engine/ort-setup';
import { describeRuntime } from './runtime-choice';
import { sampleFromTimes, type Contender } from './runner';
import { EXTERNAL_DATA_FILE } from './synthetic/onnx-builder';

/**
 * Where transformers.js finds the model: a folder on a server, or files held in memory (a synthetic
 * model, built in the page, that no server has).
 */
export type TransformersJsSource = { kind: 'folder'; url: string } | { kind: 'memory'; files: InMemoryFolder };

/** Paths inside a model folder (`config.json`, `onnx/model.onnx`, …) → their bytes. */
export type InMemoryFolder = ReadonlyMap<string, Uint8Array>;

/**
 * A synthetic decoder as the folder transformers.js expects. Its graph has GPT-2's inputs, outputs and
 * full multi-head attention, so it is described as a GPT-2 model: transformers.js takes the cache's
 * shapes and types from the graph itself, and from the config only the head count and sizes.
 */
export function syntheticFolder(onnx: Uint8Array, externalData: Uint8Array, config: DecoderConfig): InMemoryFolder {
  const json = (value: object) => new TextEncoder().encode(JSON.stringify(value));
  return new Map([
    ['config.json', json({
      model_type: 'gpt2',
      n_layer: config.numLayers,
      n_head: config.numKvHeads,
      n_embd: config.numKvHeads * config.headDim,
      n_positions: config.contextLength,
      vocab_size: config.vocabSize,
      use_cache: true,
    })],
    ['generation_config.json', json({})],
    ['onnx/model.onnx', onnx],
    [`onnx/${EXTERNAL_DATA_FILE}`, externalData],
  ]);
}

/**
 * A host that can never resolve (RFC 6761 reserves `.invalid`): every file of an in-memory folder is
 * answered by the cache below, and one that is not fails at once instead of reaching any server.
 */
const IN_MEMORY_HOST = 'https://in-memory.invalid/';
const IN_MEMORY_NAME = 'model';

/** `http://host/a/b/stories260k/` → host `http://host/a/b/`, model `stories260k`. */
export function splitFolderUrl(folderUrl: string): { host: string; model: string } {
  const url = new URL(folderUrl);
  const parts = url.pathname.split('/').filter(Boolean);
  const model = parts.pop() ?? '';
  return { host: `${url.origin}/${parts.map((p) => `${p}/`).join('')}`, model: decodeURIComponent(model) };
}

/** transformers.js's own `generate` on the same model and backend, as a benchmark contender. */
export async function loadTransformersJs(source: TransformersJsSource, backend: Backend, wasmThreads: number | undefined): Promise<Contender & { dispose(): Promise<unknown>; runtime: string }> {
  const ownRuntime = import.meta.env.MODE === 'bench';
  // In the app's build the alias makes its ORT the app's asyncify build: point that build at the files the app ships.
  if (!ownRuntime) ortBuild('asyncify', wasmThreads);
  const tf = await import('@huggingface/transformers');
  const onnx = tf.env.backends.onnx as unknown as Ort['env'];
  if (ownRuntime) {
    // Its own build, with its WASM served by us rather than the CDN it would fetch it from, on as many threads as ours.
    const { TRANSFORMERS_JS_WASM_PATHS } = await import('./webgpu-runtimes');
    onnx.wasm.wasmPaths = TRANSFORMERS_JS_WASM_PATHS;
    if (wasmThreads !== undefined) onnx.wasm.numThreads = wasmThreads;
  }
  const runtime = describeRuntime({ env: onnx } as Ort, ownRuntime ? `its own build: ${backend === 'webgpu' ? 'native WebGPU EP' : 'asyncify WASM'}` : "the app's asyncify build");
  // Full URLs are not accepted as model ids; a "remote host" that is our own server is.
  const { host, model: name } = source.kind === 'folder' ? splitFolderUrl(source.url) : { host: IN_MEMORY_HOST, model: IN_MEMORY_NAME };
  tf.env.allowLocalModels = false;
  tf.env.allowRemoteModels = true;
  tf.env.remoteHost = host;
  tf.env.remotePathTemplate = '{model}/';
  tf.env.useBrowserCache = false;
  tf.env.useWasmCache = false;
  // Its custom cache is the documented way to hand it files it did not download.
  tf.env.useCustomCache = source.kind === 'memory';
  tf.env.customCache = source.kind === 'memory' ? inMemoryCache(source.files) : null;
  const started = performance.now();
  // dtype 'fp32' only picks the file name (model.onnx). It sizes and types the empty cache from the graph's
  // inputs, so an fp16 synthetic graph should load under that name too: untried here, as SwiftShader has no shader-f16.
  const lm = await tf.AutoModelForCausalLM.from_pretrained(name, {
    device: backend,
    dtype: 'fp32',
    use_external_data_format: source.kind === 'memory' ? true : undefined,
  });
  return {
    backend,
    engine: 'transformersjs',
    runtime,
    sessionBuildMs: performance.now() - started,
    measuresLongContext: false,
    async generate(promptIds, newTokens, onToken) {
      const times: number[] = [];
      let calls = 0;
      // The streamer's first call is the prompt; each later one is a new token.
      const put = () => {
        if (calls++ === 0) return;
        times.push(performance.now());
        onToken(times.length);
      };
      const n = promptIds.length;
      const t0 = performance.now();
      const output = (await lm.generate({
        input_ids: new tf.Tensor('int64', BigInt64Array.from(promptIds, (id) => BigInt(id)), [1, n]),
        attention_mask: new tf.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
        max_new_tokens: newTokens,
        // Like our runs, ignore EOS: no stop and no EOS suppression (min_new_tokens would pick the runner-up
        // where the model says EOS, and the consistency check would flag a difference that is not one).
        eos_token_id: null as unknown as number,
        do_sample: false,
        repetition_penalty: 1,
        // generate() only ever calls put() and end(); its declared type is a full TextStreamer.
        streamer: { put, end: () => {} } as unknown as InstanceType<typeof tf.TextStreamer>,
      })) as { tolist(): bigint[][] };
      return sampleFromTimes(t0, times, n, output.tolist()[0].slice(n).map(Number));
    },
    dispose: () => lm.dispose(),
  };
}

/** The subset of the Cache API transformers.js calls: answers `<host><name>/<path>` from the folder. */
function inMemoryCache(files: InMemoryFolder): { match(key: string): Promise<Response | undefined>; put(): Promise<void> } {
  const prefix = `${IN_MEMORY_HOST}${IN_MEMORY_NAME}/`;
  return {
    match: async (key) => {
      const bytes = key.startsWith(prefix) ? files.get(key.slice(prefix.length)) : undefined;
      // Built in this page, so never backed by a SharedArrayBuffer, which a Response could not take.
      return bytes ? new Response(bytes as Uint8Array<ArrayBuffer>) : undefined;
    },
    put: async () => {},
  };
}
