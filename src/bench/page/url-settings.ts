/**
 * The benchmark's settings in the page address, so a result can be shared with the exact setup:
 * `?panel=bench&bench_model=synthetic:gpt2-small&bench_backends=webgpu,wasm&bench_runs=5`.
 */
import type { Backend } from '../../core/protocol';
import type { WebGpuBuild } from '../shared/protocol';
import { DEFAULT_BENCH_SETTINGS, STABLE_RUNS, type BenchSettings } from '../shared/types';
import { DEFAULT_CONTEXT_LADDER, parseLadder } from '../shared/context-ladder';

function readWebGpuBuild(value: string | null): WebGpuBuild | null {
  return value === 'jspi' || value === 'asyncify' ? value : null;
}

export interface BenchUrlState {
  /** An embedded id (`tl-gpt`), a folder URL, or `synthetic:<shape>[:fp16]`. */
  model: string;
  backends: Backend[];
  settings: BenchSettings;
  /** The memory bandwidth the user gave (`bench_bw`); null: detect it from the adapter, or guess and say so. */
  bandwidthGBps: number | null;
  /** Also measure transformers.js on each backend. */
  transformersJs: boolean;
  /** On WASM, also measure a 4-bit graph as downloaded, next to its rewrite (see engine/graph). */
  compareWasmRewrite: boolean;
  /** The onnxruntime-web build our engine's WebGPU runs on (`bench_webgpu_build=jspi|asyncify`); null: the app's choice. */
  webGpuBuild: WebGpuBuild | null;
  /** Our engine's WebGPU with the fixed-capacity KV cache (`bench_static_kv=1`). */
  staticKvCache: boolean;
  /** Start at once (the CLI and shared links use it). */
  autorun: boolean;
  /** Test builds only (`debug=1&bench_fault=logit`): perturb one WebGPU logit, which the probe must flag. */
  plantFault: boolean;
}

/** The page opens on the embedded decoder, a real model, measured until its median is stable. */
export const DEFAULT_BENCH_URL_STATE: BenchUrlState = {
  model: 'tl-gpt',
  backends: ['webgpu', 'wasm'],
  settings: { ...DEFAULT_BENCH_SETTINGS, ...STABLE_RUNS },
  bandwidthGBps: null,
  transformersJs: false,
  compareWasmRewrite: false,
  webGpuBuild: null,
  staticKvCache: false,
  autorun: false,
  plantFault: false,
};

type CountSetting = 'promptTokens' | 'newTokens' | 'warmupRuns' | 'measuredRuns' | 'longContextTokens' | 'turnHistoryTokens' | 'maxRuns';

const NUMBERS: { key: CountSetting; param: string; min: number; max: number }[] = [
  { key: 'promptTokens', param: 'bench_prompt', min: 1, max: 8192 },
  { key: 'newTokens', param: 'bench_new', min: 2, max: 4096 },
  { key: 'warmupRuns', param: 'bench_warmup', min: 0, max: 20 },
  { key: 'measuredRuns', param: 'bench_runs', min: 1, max: 100 },
  { key: 'longContextTokens', param: 'bench_long', min: 0, max: 32768 },
  { key: 'turnHistoryTokens', param: 'bench_turns', min: 0, max: 32768 },
  { key: 'maxRuns', param: 'bench_max_runs', min: 0, max: 200 },
];

function integer(raw: string | null, min: number, max: number): number | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.round(Math.min(max, Math.max(min, value))) : undefined;
}

export function parseBenchUrl(search: string): BenchUrlState {
  const params = new URLSearchParams(search);
  // A run count in the address without a cap (the CLI's --runs) means exactly that many runs.
  const fixedCount = params.has('bench_runs') && !params.has('bench_max_runs');
  const settings: BenchSettings = fixedCount ? { ...DEFAULT_BENCH_SETTINGS } : { ...DEFAULT_BENCH_URL_STATE.settings };
  for (const { key, param, min, max } of NUMBERS) {
    const value = integer(params.get(param), min, max) ?? settings[key];
    if (value !== undefined) settings[key] = value;
  }
  // Prompt lookup is measured unless turned off.
  if (params.get('bench_prompt_lookup') === '0') settings.promptLookup = false;
  const stable = Number(params.get('bench_stable'));
  if (params.has('bench_stable') && Number.isFinite(stable) && stable > 0) settings.stableWithin = Math.min(50, stable) / 100;
  // bench_curve=1: the default ladder and the model's limit; bench_curve=16,64: exactly those rungs.
  const curve = params.get('bench_curve');
  if (curve === '1') settings.contextLadder = [...DEFAULT_CONTEXT_LADDER];
  else if (curve) {
    const parsed = parseLadder(curve);
    if ('ladder' in parsed) Object.assign(settings, { contextLadder: parsed.ladder, contextLadderExact: true });
  }
  const backends = (params.get('bench_backends') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b): b is Backend => b === 'webgpu' || b === 'wasm');
  const bandwidth = Number(params.get('bench_bw'));
  return {
    model: params.get('bench_model')?.trim() || DEFAULT_BENCH_URL_STATE.model,
    backends: backends.length ? [...new Set(backends)] : DEFAULT_BENCH_URL_STATE.backends,
    settings,
    bandwidthGBps: Number.isFinite(bandwidth) && bandwidth > 0 ? bandwidth : null,
    transformersJs: params.get('bench_tjs') === '1',
    compareWasmRewrite: params.get('bench_compare_rewrite') === '1',
    webGpuBuild: readWebGpuBuild(params.get('bench_webgpu_build')),
    staticKvCache: params.get('bench_static_kv') === '1',
    autorun: params.get('bench_autorun') === '1',
    plantFault: params.get('debug') === '1' && params.get('bench_fault') === 'logit',
  };
}

/** Writes the benchmark's parameters into `search`, keeping every other parameter as it was. */
export function writeBenchUrl(search: string, state: BenchUrlState): string {
  const params = new URLSearchParams(search);
  params.set('bench_model', state.model);
  params.set('bench_backends', state.backends.join(','));
  for (const { key, param } of NUMBERS) {
    const value = state.settings[key];
    if (value) params.set(param, String(value));
    else params.delete(param);
  }
  if (state.settings.stableWithin && (state.settings.maxRuns ?? 0) > state.settings.measuredRuns) params.set('bench_stable', String(Math.round(state.settings.stableWithin * 1000) / 10));
  else params.delete('bench_stable');
  if (state.settings.contextLadder?.length) params.set('bench_curve', state.settings.contextLadderExact ? state.settings.contextLadder.join(',') : '1');
  else params.delete('bench_curve');
  if (state.bandwidthGBps) params.set('bench_bw', String(state.bandwidthGBps));
  else params.delete('bench_bw');
  if (state.settings.promptLookup === false) params.set('bench_prompt_lookup', '0');
  else params.delete('bench_prompt_lookup');
  if (state.transformersJs) params.set('bench_tjs', '1');
  else params.delete('bench_tjs');
  if (state.compareWasmRewrite) params.set('bench_compare_rewrite', '1');
  else params.delete('bench_compare_rewrite');
  if (state.webGpuBuild) params.set('bench_webgpu_build', state.webGpuBuild);
  else params.delete('bench_webgpu_build');
  if (state.staticKvCache) params.set('bench_static_kv', '1');
  else params.delete('bench_static_kv');
  params.delete('bench_autorun');
  return `?${params}`;
}
