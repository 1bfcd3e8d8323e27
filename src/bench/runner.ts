/**
 * Measures one loaded decoder: warm-up runs, then measured runs of the app's own generation loop
 * (greedy, a fixed prompt of token ids, EOS ignored so every run makes exactly `newTokens`).
 * No DOM and no ORT import: the worker runs it on onnxruntime-web, the CLI on onnxruntime-node.
 */
import { runGenerationLoop } from '../engine/generate';
import type { DecoderSession } from '../engine/decoder-session';
import { createRng } from '../engine/sampling';
import { intervals, spread } from './stats';
import type { BackendResult, BenchSettings, RunSample } from './types';

const GREEDY = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };

/** A fixed, model-independent prompt: the same ids for every backend, so their tokens can be compared. */
export function benchPromptIds(length: number, vocab: number): number[] {
  const rng = createRng(1234);
  // Low ids are often special tokens (pad, bos, eos); skip them.
  const low = Math.min(3, vocab - 1);
  return Array.from({ length }, () => low + Math.floor(rng() * (vocab - low)));
}

export interface RunnerHooks {
  isCancelled: () => boolean;
  yieldToEvents: () => Promise<void>;
  onProgress: (phase: 'warmup' | 'measure', run: number, runs: number, tokens: number) => void;
}

export class BenchCancelled extends Error {
  override name = 'BenchCancelled';
}

type Decoder = Pick<DecoderSession, 'newCache' | 'forward' | 'deviceReads'>;

export async function runOne(decoder: Decoder, promptIds: number[], settings: BenchSettings, contextLength: number, hooks: RunnerHooks, onTokenRun?: (tokens: number) => void): Promise<RunSample> {
  const times: number[] = [];
  const started = performance.now();
  const result = await runGenerationLoop(decoder, promptIds, {
    sampling: GREEDY,
    maxNewTokens: Math.min(settings.newTokens, contextLength - promptIds.length),
    contextLength,
    eosIds: [],
    rng: createRng(0),
    isAborted: hooks.isCancelled,
    yieldToEvents: hooks.yieldToEvents,
    onToken: (_id, timing) => {
      times.push(timing.at);
      onTokenRun?.(times.length);
      return false;
    },
  });
  if (result.reason === 'aborted') throw new BenchCancelled('cancelled');
  const ttft = times[0] - started;
  const decodeMs = times[times.length - 1] - times[0];
  return {
    timeToFirstTokenMs: ttft,
    prefillTokensPerSecond: (promptIds.length * 1000) / ttft,
    decodeTokensPerSecond: times.length > 1 ? ((times.length - 1) * 1000) / decodeMs : 0,
    tokenLatenciesMs: intervals(times),
    tokenIds: result.tokenIds,
  };
}

/** The same decode, but after a prompt that fills the context to `longContextTokens`. */
async function measureLongContext(
  decoder: Decoder,
  model: { vocab: number; contextLength: number },
  settings: BenchSettings,
  hooks: RunnerHooks,
): Promise<BackendResult['longContext'] | null> {
  const target = Math.min(settings.longContextTokens ?? 0, model.contextLength);
  const promptLength = target - settings.newTokens;
  if (promptLength <= settings.promptTokens) return null;
  const promptIds = benchPromptIds(promptLength, model.vocab);
  const speeds: number[] = [];
  for (let run = 0; run < settings.measuredRuns; run++) {
    const sample = await runOne(decoder, promptIds, settings, model.contextLength, hooks, (t) => hooks.onProgress('measure', run, settings.measuredRuns, t));
    speeds.push(sample.decodeTokensPerSecond);
  }
  return { tokens: target, decodeTokensPerSecond: spread(speeds) };
}

export async function benchmarkDecoder(
  decoder: Decoder,
  backend: BackendResult['backend'],
  engine: BackendResult['engine'],
  model: { vocab: number; contextLength: number; weightBytesPerToken: number; kvBytesPerToken: number },
  settings: BenchSettings,
  sessionBuildMs: number,
  hooks: RunnerHooks,
): Promise<BackendResult> {
  const promptIds = benchPromptIds(Math.min(settings.promptTokens, model.contextLength - 1), model.vocab);
  for (let run = 0; run < settings.warmupRuns; run++) {
    await runOne(decoder, promptIds, settings, model.contextLength, hooks, (t) => hooks.onProgress('warmup', run, settings.warmupRuns, t));
  }
  const readsBefore = decoder.deviceReads;
  const runs: RunSample[] = [];
  for (let run = 0; run < settings.measuredRuns; run++) {
    runs.push(await runOne(decoder, promptIds, settings, model.contextLength, hooks, (t) => hooks.onProgress('measure', run, settings.measuredRuns, t)));
  }
  const tokens = runs.reduce((a, r) => a + r.tokenIds.length, 0);
  const reads = decoder.deviceReads - readsBefore;
  const longContext = await measureLongContext(decoder, model, settings, hooks);
  const decode = spread(runs.map((r) => r.decodeTokensPerSecond));
  // Mean context during decode: the prompt plus half the new tokens.
  const meanContext = promptIds.length + settings.newTokens / 2;
  const bytesPerToken = model.weightBytesPerToken + model.kvBytesPerToken * meanContext;
  const memory = (globalThis.performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return {
    backend,
    engine,
    sessionBuildMs,
    timeToFirstTokenMs: spread(runs.map((r) => r.timeToFirstTokenMs)),
    prefillTokensPerSecond: spread(runs.map((r) => r.prefillTokensPerSecond)),
    decodeTokensPerSecond: decode,
    tokenLatencyMs: spread(runs.flatMap((r) => r.tokenLatenciesMs)),
    gpuReadsPerToken: tokens ? reads / tokens : 0,
    ...(longContext ? { longContext } : {}),
    achievedGBps: (bytesPerToken * decode.median) / 1e9,
    greedyTokenIds: runs[0]?.tokenIds ?? [],
    runs,
    memoryBytes: memory?.usedJSHeapSize ?? null,
  };
}
