/**
 * The same model, prompt and backend through transformers.js's own `generate`, for the
 * "ours ÷ transformers.js" ratio. Loaded lazily (its JS is ~1 MB) and bound to the app's
 * onnxruntime-web by a Vite alias, so the app still ships one ORT WASM binary.
 */
import type { Backend } from '../engine/protocol';
import { intervals, spread } from './stats';
import type { BackendResult, BenchSettings, RunSample } from './types';

export interface TransformersJsHooks {
  isCancelled: () => boolean;
  onProgress: (phase: 'warmup' | 'measure', run: number, runs: number) => void;
}

/** `http://host/a/b/stories260k/` → host `http://host/a/b/`, model `stories260k`. */
export function splitFolderUrl(folderUrl: string): { host: string; model: string } {
  const url = new URL(folderUrl);
  const parts = url.pathname.split('/').filter(Boolean);
  const model = parts.pop() ?? '';
  return { host: `${url.origin}/${parts.map((p) => `${p}/`).join('')}`, model: decodeURIComponent(model) };
}

export async function benchmarkTransformersJs(
  folderUrl: string,
  backend: Backend,
  promptIds: number[],
  settings: BenchSettings,
  model: { weightBytesPerToken: number; kvBytesPerToken: number },
  hooks: TransformersJsHooks,
): Promise<BackendResult | null> {
  const tf = await import('@huggingface/transformers');
  const { host, model: name } = splitFolderUrl(folderUrl);
  // Full URLs are not accepted as model ids; a "remote host" that is our own server is.
  tf.env.allowLocalModels = false;
  tf.env.allowRemoteModels = true;
  tf.env.remoteHost = host;
  tf.env.remotePathTemplate = '{model}/';
  tf.env.useBrowserCache = false;
  tf.env.useWasmCache = false;
  const started = performance.now();
  const lm = await tf.AutoModelForCausalLM.from_pretrained(name, { device: backend, dtype: 'fp32' });
  const sessionBuildMs = performance.now() - started;
  const n = promptIds.length;
  const runOnce = async (): Promise<RunSample> => {
    const times: number[] = [];
    let calls = 0;
    // The streamer's first call is the prompt; each later one is a new token.
    const streamer = { put: () => void (calls++ > 0 && times.push(performance.now())), end: () => {} };
    const t0 = performance.now();
    const output = (await lm.generate({
      input_ids: new tf.Tensor('int64', BigInt64Array.from(promptIds, (id) => BigInt(id)), [1, n]),
      attention_mask: new tf.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      max_new_tokens: settings.newTokens,
      min_new_tokens: settings.newTokens,
      do_sample: false,
      repetition_penalty: 1,
      // generate() only ever calls put() and end(); its declared type is a full TextStreamer.
      streamer: streamer as unknown as InstanceType<typeof tf.TextStreamer>,
    })) as { tolist(): bigint[][] };
    const tokenIds = output.tolist()[0].slice(n).map(Number);
    const ttft = times[0] - t0;
    return {
      timeToFirstTokenMs: ttft,
      prefillTokensPerSecond: (n * 1000) / ttft,
      decodeTokensPerSecond: times.length > 1 ? ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]) : 0,
      tokenLatenciesMs: intervals(times),
      tokenIds,
    };
  };
  try {
    for (let run = 0; run < settings.warmupRuns; run++) {
      if (hooks.isCancelled()) return null;
      hooks.onProgress('warmup', run, settings.warmupRuns);
      await runOnce();
    }
    const runs: RunSample[] = [];
    for (let run = 0; run < settings.measuredRuns; run++) {
      if (hooks.isCancelled()) return null;
      hooks.onProgress('measure', run, settings.measuredRuns);
      runs.push(await runOnce());
    }
    const decode = spread(runs.map((r) => r.decodeTokensPerSecond));
    const bytesPerToken = model.weightBytesPerToken + model.kvBytesPerToken * (n + settings.newTokens / 2);
    return {
      backend,
      engine: 'transformersjs',
      sessionBuildMs,
      timeToFirstTokenMs: spread(runs.map((r) => r.timeToFirstTokenMs)),
      prefillTokensPerSecond: spread(runs.map((r) => r.prefillTokensPerSecond)),
      decodeTokensPerSecond: decode,
      tokenLatencyMs: spread(runs.flatMap((r) => r.tokenLatenciesMs)),
      // Its reads happen inside the library; not counted.
      gpuReadsPerToken: null,
      achievedGBps: (bytesPerToken * decode.median) / 1e9,
      greedyTokenIds: runs[0]?.tokenIds ?? [],
      runs,
      memoryBytes: null,
    };
  } finally {
    await lm.dispose();
  }
}
