/**
 * The chat's live figures of a reply, named as the Benchmark names them (src/bench/shared/figures.ts,
 * worded by the Benchmark panel's words.ts): a user who reads "Time to first token" under a reply finds
 * the same words in the Benchmark's table, its exports and the docs.
 */
import type { GenerationStats } from '../../core/protocol';
import { FIGURE_UNITS } from '../../bench/shared/figures';
import { figureLabel, unitName } from '../bench/words';
import { formatRate } from '../format';

export interface LiveFigure {
  key: 'timeToFirstToken' | 'decode' | 'prefill';
  /** The figure's name in the page's language. */
  label: string;
  /** The value with its unit, e.g. "42 ms". */
  value: string;
}

export function liveFigures(s: Pick<GenerationStats, 'timeToFirstTokenMs' | 'decodeTokensPerSecond' | 'prefillTokensPerSecond'>): LiveFigure[] {
  const figure = (key: LiveFigure['key'], value: string): LiveFigure => ({ key, label: figureLabel(key), value: `${value} ${unitName(FIGURE_UNITS[key] ?? 'ms')}` });
  return [
    figure('timeToFirstToken', s.timeToFirstTokenMs.toFixed(0)),
    figure('decode', formatRate(s.decodeTokensPerSecond)),
    figure('prefill', formatRate(s.prefillTokensPerSecond)),
  ];
}
