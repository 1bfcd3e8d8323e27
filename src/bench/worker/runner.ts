/**
 * Measures loaded decoders: warm-up runs, then measured runs of each contender on the same prompt
 * (greedy, a fixed prompt of token ids, EOS ignored so every run makes exactly `newTokens`).
 * No DOM and no ORT import: the worker runs it on onnxruntime-web, the CLI on onnxruntime-node.
 */
import { runGenerationLoop, type CachedContext, type LoopResult } from '../../engine/generate';
import type { DecoderCache } from '../../engine/kv-cache';
import type { DecoderSession } from '../../engine/decoder-session';
import { createRng } from '../../core/rng';
import { tokenRates } from '../../core/token-rate';
import { intervals, medianIsStable, spread } from '../shared/stats';
import { measureContextCurve } from './context-curve';
import type { BackendResult, BenchSettings, RunSample } from '../shared/types';
import { measurePromptLookup, type TimedReply } from './prompt-lookup-bench';

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
  onProgress: (phase: 'warmup' | 'measure' | 'curve', run: number, runs: number, tokens: number, engine: BackendResult['engine']) => void;
}

export class BenchCancelled extends Error {
  override name = 'BenchCancelled';
}

export function throwIfCancelled(hooks: Pick<RunnerHooks, 'isCancelled'>): void {
  if (hooks.isCancelled()) throw new BenchCancelled('cancelled');
}

/** One engine ready to generate greedily on one backend: the app's loop, or transformers.js's `generate`. */
export interface Contender {
  backend: BackendResult['backend'];
  engine: BackendResult['engine'];
  /** Building this model's session, the runtime already started. */
  sessionBuildMs: number;
  /** Exactly `newTokens` greedy tokens after `promptIds`, EOS ignored; `onToken` gets the count so far. */
  generate(promptIds: number[], newTokens: number, onToken: (count: number) => void): Promise<RunSample>;
  /** Device-to-host reads so far; absent where the library does them out of sight. */
  deviceReads?: () => number;
  /** Also measure decode with a long context (the app's loop; the library's is not ours to fix). */
  measuresLongContext: boolean;
  /**
   * A chat of several turns, the cache kept between them as the Chat keeps it: each turn appends one
   * user message to the history and gets a greedy reply of `replyTokens`. Times to first token, per turn.
   */
  chatTurns?(userMessages: number[][], replyTokens: number): Promise<number[]>;
  /** A greedy reply of exactly `newTokens`, prompt lookup off or on, timed whole (the app's loop only). */
  timedReply?(promptIds: number[], newTokens: number, promptLookup: boolean): Promise<TimedReply>;
}

type Decoder = Pick<DecoderSession, 'newCache' | 'forward' | 'forwardRows' | 'deviceReads'>;

/** The app's own generation loop on a decoder session, as a contender. */
export function loopContender(decoder: Decoder, backend: Contender['backend'], engine: Contender['engine'], sessionBuildMs: number, contextLength: number, hooks: Pick<RunnerHooks, 'isCancelled' | 'yieldToEvents'>): Contender {
  /** One greedy reply through the app's loop, as every measurement here runs it; throws when cancelled. */
  const greedyReply = async (promptIds: number[], newTokens: number, onToken: (at: number) => void, promptLookup?: boolean) => {
    const result = await runGenerationLoop(decoder, promptIds, {
      sampling: GREEDY,
      maxNewTokens: Math.min(newTokens, contextLength - promptIds.length),
      contextLength,
      eosIds: [],
      rng: createRng(0),
      isAborted: hooks.isCancelled,
      yieldToEvents: hooks.yieldToEvents,
      onToken: (_id, timing) => (onToken(timing.at), false),
      ...(promptLookup === undefined ? {} : { promptLookup }),
    });
    if (result.reason === 'aborted') throw new BenchCancelled('cancelled');
    return result;
  };
  return {
    backend,
    engine,
    sessionBuildMs,
    measuresLongContext: true,
    deviceReads: () => decoder.deviceReads,
    async generate(promptIds, newTokens, onToken) {
      const times: number[] = [];
      const started = performance.now();
      const result = await greedyReply(promptIds, newTokens, (at) => {
        times.push(at);
        onToken(times.length);
      });
      return sampleFromTimes(started, times, promptIds.length, result.tokenIds);
    },
    async timedReply(promptIds, newTokens, promptLookup) {
      const started = performance.now();
      let last = started;
      const result = await greedyReply(promptIds, newTokens, (at) => (last = at), promptLookup);
      return { tokenIds: result.tokenIds, totalMs: last - started, promptLookup: result.promptLookup };
    },
    async chatTurns(userMessages, replyTokens) {
      const ttft: number[] = [];
      let history: number[] = [];
      let kept: CachedContext<DecoderCache> | null = null;
      try {
        for (const message of userMessages) {
          const prompt = [...history, ...message];
          const result: LoopResult<DecoderCache> = await runGenerationLoop(decoder, prompt, {
            sampling: GREEDY,
            maxNewTokens: replyTokens,
            contextLength,
            eosIds: [],
            rng: createRng(0),
            isAborted: hooks.isCancelled,
            yieldToEvents: hooks.yieldToEvents,
            onToken: () => false,
            keepCache: true,
          }, kept);
          kept = result.context;
          if (result.reason === 'aborted' || !result.timing) throw new BenchCancelled('cancelled');
          ttft.push(result.timing.firstTokenAt - result.timing.startedAt);
          history = [...prompt, ...result.tokenIds];
        }
      } finally {
        kept?.cache.dispose();
      }
      return ttft;
    },
  };
}

/** Times of each generated token (performance.now()) → the run's figures, by the same rule as the Chat's. */
export function sampleFromTimes(started: number, times: number[], promptTokens: number, tokenIds: number[]): RunSample {
  return {
    ...tokenRates(promptTokens, started, times[0], times[times.length - 1], times.length),
    tokenLatenciesMs: intervals(times),
    tokenIds,
  };
}

export interface ModelFacts {
  vocab: number;
  contextLength: number;
  weightBytesPerToken: number;
  kvBytesPerToken: number;
}

/**
 * Measures several contenders on the same prompt, their runs interleaved (A B, B A, A B, …), so that
 * load from elsewhere on the machine, which drifts over seconds, falls on each of them alike and the
 * ratios between them stay honest.
 */
export async function benchmarkSideBySide(contenders: Contender[], model: ModelFacts, settings: BenchSettings, hooks: RunnerHooks): Promise<BackendResult[]> {
  const promptIds = benchPromptIds(Math.min(settings.promptTokens, model.contextLength - 1), model.vocab);
  for (let run = 0; run < settings.warmupRuns; run++) {
    for (const c of contenders) {
      throwIfCancelled(hooks);
      await c.generate(promptIds, settings.newTokens, (t) => hooks.onProgress('warmup', run, settings.warmupRuns, t, c.engine));
    }
  }
  const readsBefore = contenders.map((c) => c.deviceReads?.() ?? 0);
  const runs: RunSample[][] = contenders.map(() => []);
  const heap = new HeapPeak();
  const adaptive = (settings.maxRuns ?? 0) > settings.measuredRuns && (settings.stableWithin ?? 0) > 0;
  const cap = adaptive ? settings.maxRuns! : settings.measuredRuns;
  const stable = () => runs.every((r) => medianIsStable(r.map((x) => x.decodeTokensPerSecond), settings.stableWithin!));
  for (let run = 0; run < cap; run++) {
    // Past the minimum, a run is added only while some contender's median is still unsettled.
    if (adaptive && run >= settings.measuredRuns && stable()) break;
    const order = contenders.map((_, i) => i);
    if (run % 2) order.reverse();
    for (const i of order) {
      throwIfCancelled(hooks);
      const c = contenders[i];
      runs[i].push(await c.generate(promptIds, settings.newTokens, (t) => hooks.onProgress('measure', run, cap, t, c.engine)));
      heap.sample();
    }
  }
  const settled = adaptive ? stable() : null;
  const results: BackendResult[] = [];
  for (const [i, c] of contenders.entries()) {
    const tokens = runs[i].reduce((a, r) => a + r.tokenIds.length, 0);
    const reads = c.deviceReads ? c.deviceReads() - readsBefore[i] : null;
    const longContext = c.measuresLongContext ? await measureLongContext(c, model, settings, hooks) : null;
    const turns = await measureTurns(c, model, settings, hooks);
    const lookup = settings.promptLookup && c.timedReply
      ? await measurePromptLookup(c.timedReply.bind(c), promptIds, model.contextLength, settings, () => throwIfCancelled(hooks))
      : null;
    const curve = c.measuresLongContext ? await measureContextCurve(c, model, settings, hooks) : null;
    heap.sample();
    results.push({
      ...summarize(c, runs[i], promptIds.length, model, settings, reads === null ? null : tokens ? reads / tokens : 0, longContext),
      ...(turns ? { turns } : {}),
      ...(lookup?.length ? { promptLookup: lookup } : {}),
      ...(settled === null ? {} : { stable: settled }),
      ...(curve?.length ? { contextCurve: curve } : {}),
      ...(heap.peak === null ? {} : { peakJsHeapBytes: heap.peak }),
    });
  }
  return results;
}

/** The largest JS heap seen after any run, where the browser reports its heap (Chrome's performance.memory). */
class HeapPeak {
  peak: number | null = null;

  sample(): void {
    const used = (globalThis.performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
    if (typeof used === 'number') this.peak = Math.max(this.peak ?? 0, used);
  }
}

/** The same decode, but after a prompt that fills the context to `longContextTokens`. */
async function measureLongContext(c: Contender, model: ModelFacts, settings: BenchSettings, hooks: RunnerHooks): Promise<BackendResult['longContext'] | null> {
  const target = Math.min(settings.longContextTokens ?? 0, model.contextLength);
  const promptLength = target - settings.newTokens;
  if (promptLength <= settings.promptTokens) return null;
  const promptIds = benchPromptIds(promptLength, model.vocab);
  const speeds: number[] = [];
  for (let run = 0; run < settings.measuredRuns; run++) {
    throwIfCancelled(hooks);
    const sample = await c.generate(promptIds, settings.newTokens, (t) => hooks.onProgress('measure', run, settings.measuredRuns, t, c.engine));
    speeds.push(sample.decodeTokensPerSecond);
  }
  return { tokens: target, decodeTokensPerSecond: spread(speeds) };
}

const CHAT_TURNS = 5;

/**
 * Five chat turns with `turnHistoryTokens` of history before the last: each turn a user message and a
 * short greedy reply, the cache kept. Null where not asked for, not supported, or the context is too short.
 */
async function measureTurns(c: Contender, model: ModelFacts, settings: BenchSettings, hooks: RunnerHooks): Promise<BackendResult['turns'] | null> {
  const history = settings.turnHistoryTokens ?? 0;
  if (!history || !c.chatTurns) return null;
  const perTurn = Math.floor(history / (CHAT_TURNS - 1));
  // Short replies: the measure is the prefill of each new message, not decode.
  const reply = Math.max(2, Math.min(8, Math.floor(perTurn / 8)));
  const user = perTurn - reply;
  if (user < 1 || CHAT_TURNS * perTurn > model.contextLength) return null;
  // Different user messages each turn, the same ones every run.
  const ids = benchPromptIds(CHAT_TURNS * user, model.vocab);
  const messages = Array.from({ length: CHAT_TURNS }, (_, t) => ids.slice(t * user, (t + 1) * user));
  const perTurnTimes: number[][] = messages.map(() => []);
  for (let run = 0; run < settings.measuredRuns; run++) {
    throwIfCancelled(hooks);
    hooks.onProgress('measure', run, settings.measuredRuns, 0, c.engine);
    const ttft = await c.chatTurns(messages, reply);
    ttft.forEach((ms, t) => perTurnTimes[t].push(ms));
  }
  return { historyTokens: (CHAT_TURNS - 1) * perTurn, timeToFirstTokenMs: perTurnTimes.map(spread) };
}

function summarize(c: Contender, runs: RunSample[], promptTokens: number, model: ModelFacts, settings: BenchSettings, gpuReadsPerToken: number | null, longContext: BackendResult['longContext'] | null): BackendResult {
  const decode = spread(runs.map((r) => r.decodeTokensPerSecond));
  // Mean context during decode: the prompt plus half the new tokens.
  const meanContext = promptTokens + settings.newTokens / 2;
  const bytesPerToken = model.weightBytesPerToken + model.kvBytesPerToken * meanContext;
  const memory = (globalThis.performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return {
    backend: c.backend,
    engine: c.engine,
    sessionBuildMs: c.sessionBuildMs,
    timeToFirstTokenMs: spread(runs.map((r) => r.timeToFirstTokenMs)),
    prefillTokensPerSecond: spread(runs.map((r) => r.prefillTokensPerSecond)),
    decodeTokensPerSecond: decode,
    tokenLatencyMs: spread(runs.flatMap((r) => r.tokenLatenciesMs)),
    gpuReadsPerToken,
    ...(longContext ? { longContext } : {}),
    achievedGBps: (bytesPerToken * decode.median) / 1e9,
    greedyTokenIds: runs[0]?.tokenIds ?? [],
    runs,
    memoryBytes: memory?.usedJSHeapSize ?? null,
  };
}
