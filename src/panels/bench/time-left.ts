/**
 * An estimate of the time left in the worker's current phase (warm-up, measured runs, context curve),
 * from how long the part already done took. Runs of one phase take about as long as each other, so the
 * elapsed time per run predicts the rest; a phase capped by "until stable" may end sooner.
 */
import type { BenchProgress } from '../../bench/shared/protocol';

export class TimeLeft {
  private phaseKey = '';
  private phaseStart = 0;

  /** Seconds left in the phase, or null until there is enough done to tell (or nothing to count). */
  update(p: BenchProgress, newTokens: number, now = performance.now()): number | null {
    const key = `${p.backend}/${p.phase}/${p.step.kind}`;
    if (key !== this.phaseKey) {
      this.phaseKey = key;
      this.phaseStart = now;
    }
    if (p.step.kind !== 'run' || p.runs <= 0) return null;
    const perRun = p.phase === 'curve' ? 0 : newTokens;
    const done = p.run + (perRun > 0 ? Math.min(1, p.tokens / perRun) : 0);
    const elapsed = (now - this.phaseStart) / 1000;
    if (done < 0.5 || elapsed < 1) return null;
    return Math.max(0, (elapsed / done) * (p.runs - done));
  }
}

/** "≈ 12 s", "≈ 3 min". */
export function formatSeconds(seconds: number): string {
  return seconds < 90 ? `≈ ${Math.ceil(seconds)} s` : `≈ ${Math.round(seconds / 60)} min`;
}
