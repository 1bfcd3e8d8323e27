/**
 * CPU time per decode token: the process's user + system time (every thread: the JS loop, the runtime's
 * WASM, Dawn's encoding and submission) between a run's first token and its last, over the tokens in
 * between. On a real GPU a small model's decode waits on this work, not on the GPU.
 */
import type { Contender } from '../../src/bench/worker/runner';

interface DecodeCpu {
  microseconds: number;
  tokens: number;
}

export interface CpuCounted<C extends Contender> {
  contender: C;
  /** CPU milliseconds per decode token over the measured runs (the warm-ups left out); null before any. */
  msPerToken(warmupRuns: number, measuredRuns: number): number | null;
}

const cpuMicroseconds = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

export function cpuCounted<C extends Contender>(contender: C): CpuCounted<C> {
  const calls: DecodeCpu[] = [];
  return {
    contender: {
      ...contender,
      async generate(promptIds, newTokens, onToken) {
        let first: number | null = null;
        let tokens = 0;
        const sample = await contender.generate(promptIds, newTokens, (count) => {
          if (count === 1) first = cpuMicroseconds();
          tokens = count;
          onToken(count);
        });
        const end = cpuMicroseconds();
        calls.push({ microseconds: first === null ? 0 : end - first, tokens: Math.max(0, tokens - 1) });
        return sample;
      },
    },
    msPerToken(warmupRuns, measuredRuns) {
      const measured = calls.slice(warmupRuns, warmupRuns + measuredRuns);
      const tokens = measured.reduce((a, c) => a + c.tokens, 0);
      return tokens ? measured.reduce((a, c) => a + c.microseconds, 0) / 1000 / tokens : null;
    },
  };
}
