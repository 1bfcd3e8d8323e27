/**
 * The same model, prompt and backend through transformers.js's own `generate`, for the
 * "ours ÷ transformers.js" ratio. Loaded lazily (its JS is ~1 MB) and bound by a Vite alias to the
 * app's JSEP build of onnxruntime-web, the kind of build it brings itself for every device, so the
 * app does not ship a third ORT WASM binary.
 */
import type { Backend } from '../engine/protocol';
import { ortFor } from '../engine/ort-setup';
import { sampleFromTimes, type Contender } from './runner';

/** `http://host/a/b/stories260k/` → host `http://host/a/b/`, model `stories260k`. */
export function splitFolderUrl(folderUrl: string): { host: string; model: string } {
  const url = new URL(folderUrl);
  const parts = url.pathname.split('/').filter(Boolean);
  const model = parts.pop() ?? '';
  return { host: `${url.origin}/${parts.map((p) => `${p}/`).join('')}`, model: decodeURIComponent(model) };
}

/** transformers.js's own `generate` on the same model and backend, as a benchmark contender. */
export async function loadTransformersJs(folderUrl: string, backend: Backend, wasmThreads: number | undefined): Promise<Contender & { dispose(): Promise<unknown> }> {
  // The alias makes its ORT the app's JSEP build: point that build at the files the app ships.
  ortFor('webgpu', wasmThreads);
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
  return {
    backend,
    engine: 'transformersjs',
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
