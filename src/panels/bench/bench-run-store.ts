/**
 * A benchmark run belongs to the page, not to the panel's element: the app builds the Benchmark panel
 * anew on each visit to its tab, and the run (its worker, progress and last results) must outlive
 * that. The panel's run fields live here (see `inBenchRun`), so a run started before a visit to
 * another tab goes on, shows its progress on return, and its results stay until the next run or a
 * reload.
 */
import { BenchClient } from '../../clients/bench-client';
import type { BenchOutcome, BenchProgress } from '../../bench/shared/protocol';
import type { SkippedContender } from '../../bench/shared/types';
import type { BenchReport } from '../../bench/page/report';

export interface BenchRunState {
  running: boolean;
  runId: number | null;
  progress: BenchProgress | null;
  /** Estimated seconds left in the run's current phase. */
  secondsLeft: number | null;
  skipped: SkippedContender[];
  report: BenchReport | null;
  error: string | null;
  /** Whether the last result could be kept for the compare view (storage may refuse). */
  historyNote: string | null;
  /** The last finished run with every sample. */
  lastOutcome: BenchOutcome | null;
}

class BenchRunStore {
  state: BenchRunState = {
    running: false, runId: null, progress: null, secondsLeft: null, skipped: [], report: null, error: null, historyNote: null, lastOutcome: null,
  };
  private benchClient: BenchClient | null = null;
  private readonly listeners = new Set<() => void>();
  private autoran = false;

  /** The benchmark worker's client, started with the first run and kept for the page's life. */
  get client(): BenchClient {
    this.benchClient ??= new BenchClient();
    return this.benchClient;
  }

  set<K extends keyof BenchRunState>(key: K, value: BenchRunState[K]): void {
    this.state = { ...this.state, [key]: value };
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True once per page load: a `bench_autorun` link runs once, not again on each return to the tab. */
  takeAutorun(): boolean {
    const first = !this.autoran;
    this.autoran = true;
    return first;
  }
}

/** The page's benchmark run, shared by every instance of the panel. */
export const benchRun = new BenchRunStore();

/**
 * A panel field kept in the page's run state: reads and writes go to `benchRun`, and every panel
 * subscribed to it re-renders. (Legacy decorator on a field without initializer, as Lit's are.)
 */
export function inBenchRun() {
  return (prototype: object, name: keyof BenchRunState): void => {
    Object.defineProperty(prototype, name, {
      get: () => benchRun.state[name],
      set: (value: never) => benchRun.set(name, value),
      configurable: true,
    });
  };
}
