/// <reference lib="webworker" />
/**
 * The benchmark's worker: loads (or builds) the model once, then for each backend builds a session,
 * warms up, measures, and releases it before the next, so two backends never compete for memory.
 */
import type { Ort } from '../engine/ort-setup';
import { benchRuntimeFor } from '../bench/worker/runtime-choice';
import { DecoderSession } from '../engine/decoder-session';
import { loadBenchModel } from '../bench/worker/load-model';
import { benchmarkSideBySide, BenchCancelled, loopContender } from '../bench/worker/runner';
import { loadTransformersJs, syntheticFolder, type TransformersJsSource } from '../bench/worker/transformersjs';
import { resolveFolderUrl } from '../core/model-url';
import type { BenchEvent, BenchProgress, BenchRequest, BenchRequestPayload } from '../bench/shared/protocol';
import type { BackendResult, SkippedContender } from '../bench/shared/types';
import type { Backend } from '../core/protocol';
import { buildGptDecoder } from '../bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES } from '../bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from '../bench/worker/synthetic/onnx-builder';
import { createEventYielder } from '../engine/yield';
import { postToPage, serve } from './serve';
import { openDecoder } from '../engine/model-load';
import { GpuWorkLedger, installGpuCounters } from '../bench/worker/gpu-counters';
import { traceGreedy } from '../bench/worker/probe';
import { PROBE_STEPS, compareTraces, type ProbeResult, type ProbeTrace } from '../bench/shared/probe-result';
import { benchPromptIds } from '../bench/worker/runner';
import { classifyFailure, type BenchFailure } from '../bench/shared/failure';

// Before any engine opens a GPU device: every WebGPU call of this worker is counted from here on.
const gpuCounters = installGpuCounters();
const cancelled = new Set<number>();
const post = postToPage<BenchEvent>;

const yieldToEvents = createEventYielder(50);

/**
 * The first session on a backend also starts its runtime (compiling 28 MB of WASM, opening the GPU
 * device). A throwaway session of the tiny synthetic model pays that once, and it is reported on its
 * own, so the model's session build time means the same on the first backend as on the second.
 */
const started = new Map<Ort, number>();
async function startRuntime(ort: Ort, backend: Backend): Promise<number> {
  const known = started.get(ort);
  if (known !== undefined) return known;
  const t0 = performance.now();
  const tiny = buildGptDecoder(SYNTHETIC_SHAPES[0], 'fp32');
  const session = await DecoderSession.create(ort, tiny.model, [{ path: EXTERNAL_DATA_FILE, data: tiny.externalData }], backend, tiny.config);
  await session.release();
  const ms = performance.now() - t0;
  started.set(ort, ms);
  return ms;
}

async function bench(id: number, request: BenchRequestPayload): Promise<void> {
  // A progress message per token made the page re-render per token, taking CPU from the run being
  // measured (decode on a 2-core machine halved). A change of phase or run is always sent; tokens at most 4×/s.
  let lastSent = { at: 0, key: '' };
  const progress = (p: Omit<BenchProgress, 'run' | 'runs' | 'tokens'> & Partial<BenchProgress>) => {
    const payload: BenchProgress = { run: 0, runs: 0, tokens: 0, ...p };
    // Download progress, like tokens, is throttled: the key leaves its byte count out.
    const key = `${payload.backend}/${payload.phase}/${payload.run}/${payload.step.kind}`;
    const now = performance.now();
    if (key === lastSent.key && now - lastSent.at < 250) return;
    lastSent = { at: now, key };
    post({ kind: 'progress', id, payload });
  };
  progress({ backend: null, phase: request.source.kind === 'synthetic' ? 'build-model' : 'download', step: { kind: 'prepare' } });
  const model = await loadBenchModel(request.source, request.baseUrl, (bytes) =>
    progress({ backend: null, phase: 'download', step: { kind: 'download', bytes } }),
  );
  // transformers.js reads a synthetic model's bytes from memory, the same bytes our session gets.
  const tjsSource: TransformersJsSource | null = !request.transformersJs
    ? null
    : request.source.kind === 'folder'
      ? { kind: 'folder', url: resolveFolderUrl(request.source.url, request.baseUrl) }
      : { kind: 'memory', files: syntheticFolder(model.onnx, model.externalData[0].data, model.config) };
  const results: BackendResult[] = [];
  const skipped: SkippedContender[] = [];
  const failures: BenchFailure[] = [];
  const isCancelled = () => cancelled.has(id);
  // The correctness probe: WASM's trace is the reference WebGPU is held against (WASM runs first).
  const probeBoth = request.backends.includes('wasm') && request.backends.includes('webgpu');
  const probePrompt = benchPromptIds(Math.min(request.settings.promptTokens, model.config.contextLength - PROBE_STEPS - 1), model.description.vocab);
  let reference: ProbeTrace | null = null;
  let probe: ProbeResult | null = null;
  try {
    // WASM first: once a WebGPU device exists, a software adapter (SwiftShader) keeps threads busy that
    // WASM then competes with (measured: WASM decode halved on 2 cores); a real GPU does not, and the
    // order costs nothing there.
    const order = [...request.backends].sort((a, b) => Number(a !== 'wasm') - Number(b !== 'wasm'));
    for (const backend of order) {
      if (isCancelled()) throw new BenchCancelled('cancelled');
      try {
        await benchBackend(backend);
      } catch (error) {
        if (error instanceof BenchCancelled) throw error;
        // One backend failing (no adapter, out of memory, a shader the device rejects) costs its own
        // figures only: the failure is reported by category and the other backend still runs.
        failures.push(classifyFailure(error, backend));
      }
    }
    // Reported in the order the user asked for, whatever order they were measured in.
    results.sort((a, b) => request.backends.indexOf(a.backend as Backend) - request.backends.indexOf(b.backend as Backend));
    post({ kind: 'done', id, payload: { model: model.description, results, skipped, cancelled: false, probe, failures } });
  } catch (error) {
    if (!(error instanceof BenchCancelled)) throw error;
    post({ kind: 'done', id, payload: { model: model.description, results, skipped, cancelled: true, probe, failures } });
  }

  async function benchBackend(backend: Backend): Promise<void> {
    progress({ backend, phase: 'session', step: { kind: 'start-runtime' } });
    const { ort, runtime } = await benchRuntimeFor(backend, request.wasmThreads, request.webGpuBuild);
    const runtimeStartMs = await startRuntime(ort, backend);
    progress({ backend, phase: 'session', step: { kind: 'build-session' } });
    const started = performance.now();
    // Peak GPU memory counts from here: this model's session, its runs and its cache.
    gpuCounters?.resetPeak();
    // The chat's graph and session (4-bit weights unpacked for WASM, fusions), whose rewrite counts in
    // the session build time, as it does in the chat.
    const { decoder, graph } = await openDecoder(ort, backend, model, model.config, undefined, { staticKvCache: request.staticKvCache });
    const ledger = new GpuWorkLedger(gpuCounters, backend);
    const contenders = [ledger.count(loopContender(decoder, backend, 'ours', performance.now() - started, model.config.contextLength, { isCancelled, yieldToEvents }))];
    const rewrites = [graph.graphRewrite ?? null];
    // The graph as downloaded, measured interleaved with its rewrite: the rewrite's speed-up in one run.
    // (Only on WASM, where the GPU work ledger counts nothing, so two 'ours' contenders cannot mix there.)
    let original: DecoderSession | null = null;
    if (request.compareWasmRewrite && graph.graphRewrite) {
      const t0 = performance.now();
      original = await DecoderSession.create(ort, model.onnx, model.externalData, backend, model.config);
      contenders.push(loopContender(original, backend, 'ours', performance.now() - t0, model.config.contextLength, { isCancelled, yieldToEvents }));
      rewrites.push(null);
    }
    let theirs: Awaited<ReturnType<typeof loadTransformersJs>> | null = null;
    try {
      if (tjsSource) {
        progress({ backend, phase: 'session', step: { kind: 'load-transformersjs' } });
        try {
          theirs = await loadTransformersJs(tjsSource, backend, request.wasmThreads);
          contenders.push(ledger.count(theirs));
        } catch (error) {
          // Our engine reads any graph in the transformers.js layout; transformers.js also needs to know
          // the architecture (config.json's model_type). Its failure must not cost the user our numbers.
          skipped.push({ engine: 'transformersjs', backend, reason: (error as Error).message });
        }
      }
      const measured = await benchmarkSideBySide(contenders, { ...model.description, contextLength: model.config.contextLength }, request.settings, {
        isCancelled,
        yieldToEvents,
        onProgress: (phase, run, runs, tokens, engine) => progress({ backend, phase, run, runs, tokens, step: { kind: 'run', engine } }),
      });
      const peakGpuBytes = backend === 'webgpu' && gpuCounters ? gpuCounters.memory().peakBytes : undefined;
      for (const [index, result] of measured.entries()) {
        const ours = result.engine === 'ours';
        const withStart = ledger.attach(ours ? { ...result, runtimeStartMs, runtime, graphRewrite: rewrites[index], graphFusion: graph.graphFusion ?? null, kvCache: (original && index === 1 ? original : decoder).kvPath, webgpuEngine: decoder.webgpuEngine, ...(peakGpuBytes === undefined ? {} : { peakGpuBytes }) } : { ...result, runtime: theirs?.runtime }, request.settings);
        results.push(withStart);
        post({ kind: 'backend-done', id, payload: withStart });
      }
      if (probeBoth) {
        progress({ backend, phase: 'probe', step: { kind: 'run', engine: 'ours' } });
        if (backend === 'wasm') reference = await traceGreedy(decoder, probePrompt, PROBE_STEPS);
        else if (reference) {
          const fault = request.plantFault ? { step: 2 } : undefined;
          const checked = await traceGreedy(decoder, probePrompt, PROBE_STEPS, reference.tokenIds, fault);
          probe = compareTraces(model.description.name, checked, reference, Boolean(fault));
        }
      }
    } finally {
      await decoder.release();
      await original?.release();
      await theirs?.dispose();
    }
  }
}

serve<BenchRequest, 'cancel'>({
  now: { cancel: (request) => void cancelled.add(request.payload.target) },
  inTurn: (request) => bench(request.id, request.payload).finally(() => cancelled.delete(request.id)),
});
