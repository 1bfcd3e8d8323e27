/**
 * The benchmark's words in the page's language: each figure's name (the same English as
 * src/bench/shared/figures.ts, which the exports print), the failure categories, the probe's verdict and the
 * worker's progress.
 */
import { msg, str } from '@lit/localize';
import { FIGURE_UNITS, type FigureKey } from '../../bench/shared/figures';
import type { FailureCategory } from '../../bench/shared/failure';
import type { ProbeResult } from '../../bench/shared/probe-result';
import type { BenchProgress } from '../../bench/shared/protocol';
import type { BandwidthPreset } from '../../bench/page/ceiling';
import type { SyntheticShape } from '../../bench/shared/synthetic-shapes';
import { NO_WEBGPU_ADAPTER, NO_WEBGPU_API } from '../../bench/page/environment';

/** A figure's name on its own (figures.ts's FIGURE_NAMES in the page's language): the chat's live figures use it too. */
export function figureLabel(key: FigureKey): string {
  switch (key) {
    case 'runtimeStart': return msg('Runtime start');
    case 'sessionBuild': return msg('Session build');
    case 'timeToFirstToken': return msg('Time to first token');
    case 'prefill': return msg('Prefill');
    case 'decode': return msg('Decode');
    case 'achievedBandwidth': return msg('Achieved bandwidth');
    case 'gpuReads': return msg('GPU→CPU reads per token');
    case 'longContext': return msg('Decode at long context');
    case 'jsHeap': return msg('Peak JS heap');
    case 'peakGpu': return msg('Peak GPU memory');
    case 'modelBytes': return msg('Model size');
    case 'kvCache': return msg('KV cache at longest context');
  }
}

/** A unit of figures.ts's FIGURE_UNITS in the page's language. */
export function unitName(unit: 'ms' | 'tok/s' | 'GB/s'): string {
  switch (unit) {
    case 'ms': return msg('ms');
    case 'tok/s': return msg('tok/s');
    case 'GB/s': return msg('GB/s');
  }
}

/** A figure as a column header, built as figures.ts's FIGURES is: its name, then its unit where it has one. */
export function figureName(key: FigureKey): string {
  const unit = FIGURE_UNITS[key];
  return unit ? msg(str`${figureLabel(key)}, ${unitName(unit)}`) : figureLabel(key);
}

export function failureName(category: FailureCategory): string {
  switch (category) {
    case 'no-webgpu': return msg('no WebGPU');
    case 'no-adapter': return msg('no adapter');
    case 'missing-feature': return msg('missing feature');
    case 'out-of-memory': return msg('out of memory');
    case 'device-lost': return msg('device lost');
    case 'shader-failure': return msg('shader/pipeline failure');
    case 'timeout': return msg('timeout');
    case 'wrong-results': return msg('wrong results');
    case 'download-failed': return msg('download failed');
    case 'other': return msg('other error');
  }
}

export function probeVerdict(p: ProbeResult): string {
  if (p.verdict === 'match') return msg(str`This device's results match: top-1 agreement ${p.steps}/${p.steps} steps, largest logit difference ${p.maxLogitDifference.toPrecision(2)}.`);
  const n = p.firstDifference ?? 0;
  const by = (p.maxLogitDifferencePerStep[n - 1] ?? NaN).toPrecision(3);
  return msg(str`This device's results differ: first at token ${n}, by ${by} (top-1 agreement ${Math.round(p.top1Agreement * 100)}%).`);
}

/** A synthetic shape's name in the page's language (src/bench/ has no language; its labels are English). */
export function shapeLabel(shape: SyntheticShape): string {
  switch (shape.id) {
    case 'tiny': return msg('Tiny (0.1M, for tests)');
    case 'gpt2-small': return msg('GPT-2 small (124M)');
    case 'gpt2-medium': return msg('GPT-2 medium (355M)');
    case 'llama-0.5b': return msg('Llama-like 0.5B (Qwen2.5-0.5B widths)');
    case 'llama-1b': return msg('Llama-like 1B (Llama-3.2-1B widths)');
    // Names and sizes only ("GPT 25M"): the same in every language.
    default: return shape.label;
  }
}

export function presetLabel(p: BandwidthPreset): string {
  if (p.machine === 'laptop') return msg(str`${p.name} dual-channel laptop (${p.gbps} GB/s)`);
  if (p.machine === 'desktop') return msg(str`${p.name} dual-channel desktop (${p.gbps} GB/s)`);
  return `${p.name} (${p.gbps} GB/s)`;
}

/** What the worker is doing, from its code and numbers. */
export function progressText(p: BenchProgress): string {
  const step = p.step;
  switch (step.kind) {
    case 'prepare': return msg('preparing the model');
    case 'download': return msg(str`${(step.bytes / 1e6).toFixed(1)} MB downloaded`);
    case 'start-runtime': return msg('starting the runtime');
    case 'build-session': return msg('building the session');
    case 'load-transformersjs': return msg('loading transformers.js');
    case 'run': {
      const text = p.phase === 'warmup'
        ? msg(str`warm-up run ${p.run + 1} of ${p.runs}`)
        : p.phase === 'curve'
          ? msg(str`context curve, point ${p.run + 1} of ${p.runs}`)
          : p.phase === 'probe'
            ? msg('correctness probe')
            : msg(str`measured run ${p.run + 1} of at most ${p.runs}`);
      return step.engine === 'transformersjs' ? `transformers.js · ${text}` : text;
    }
  }
}

export function adapterErrorText(error: string | null): string {
  if (error === NO_WEBGPU_API) return msg('no WebGPU API in this browser');
  if (error === NO_WEBGPU_ADAPTER) return msg('no WebGPU adapter');
  // The browser's own message: shown as it is.
  return error ?? '?';
}
