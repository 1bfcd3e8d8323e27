/**
 * The benchmark's settings in the page address, so a result can be shared with the exact setup:
 * `?panel=bench&bench_model=synthetic:gpt2-small&bench_backends=webgpu,wasm&bench_runs=5`.
 */
import type { Backend, OrtBuild } from '../core/protocol';

export type WebGpuBuild = Exclude<OrtBuild, 'wasm'>;

function readWebGpuBuild(value: string | null): WebGpuBuild | null {
  return value === 'jspi' || value === 'asyncify' ? value : null;
}
import { DEFAULT_BENCH_SETTINGS, type BenchSettings } from './types';

export interface BenchUrlState {
  /** An embedded id (`tl-gpt`), a folder URL, or `synthetic:<shape>[:fp16]`. */
  model: string;
  backends: Backend[];
  settings: BenchSettings;
  bandwidthGBps: number;
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
}

export const DEFAULT_BENCH_URL_STATE: BenchUrlState = {
  model: 'synthetic:tiny',
  backends: ['webgpu', 'wasm'],
  settings: DEFAULT_BENCH_SETTINGS,
  bandwidthGBps: 100,
  transformersJs: false,
  compareWasmRewrite: false,
  webGpuBuild: null,
  staticKvCache: false,
  autorun: false,
};

const NUMBERS: { key: keyof BenchSettings; param: string; min: number; max: number }[] = [
  { key: 'promptTokens', param: 'bench_prompt', min: 1, max: 8192 },
  { key: 'newTokens', param: 'bench_new', min: 2, max: 4096 },
  { key: 'warmupRuns', param: 'bench_warmup', min: 0, max: 20 },
  { key: 'measuredRuns', param: 'bench_runs', min: 1, max: 100 },
  { key: 'longContextTokens', param: 'bench_long', min: 0, max: 32768 },
  { key: 'turnHistoryTokens', param: 'bench_turns', min: 0, max: 32768 },
];

function integer(raw: string | null, min: number, max: number): number | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.round(Math.min(max, Math.max(min, value))) : undefined;
}

export function parseBenchUrl(search: string): BenchUrlState {
  const params = new URLSearchParams(search);
  const settings = { ...DEFAULT_BENCH_SETTINGS };
  for (const { key, param, min, max } of NUMBERS) {
    const value = integer(params.get(param), min, max) ?? settings[key];
    if (value !== undefined) settings[key] = value;
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
    bandwidthGBps: Number.isFinite(bandwidth) && bandwidth > 0 ? bandwidth : DEFAULT_BENCH_URL_STATE.bandwidthGBps,
    transformersJs: params.get('bench_tjs') === '1',
    compareWasmRewrite: params.get('bench_compare_rewrite') === '1',
    webGpuBuild: readWebGpuBuild(params.get('bench_webgpu_build')),
    staticKvCache: params.get('bench_static_kv') === '1',
    autorun: params.get('bench_autorun') === '1',
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
  params.set('bench_bw', String(state.bandwidthGBps));
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
