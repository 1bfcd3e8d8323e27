/**
 * Peak memory of the browser page a benchmark ran in: the largest VmHWM (peak resident set) among the
 * renderer processes of one Chromium, found through /proc by the unique switch it was launched with.
 * Linux only; null elsewhere. The renderer holds the page, its workers and their WASM memory.
 */
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function chromiumMarker(): string {
  return `--tl-bench-run=${process.pid}-${Date.now()}`;
}

export function peakRendererBytes(marker: string): number | null {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return null;
  }
  const parent = new Map<number, number>();
  const cmdline = new Map<number, string>();
  for (const pid of pids) {
    const stat = read(`/proc/${pid}/stat`);
    // The command name can hold spaces and parentheses: the fields after the last ')' are fixed.
    const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields) parent.set(pid, Number(fields[1]));
    cmdline.set(pid, (read(`/proc/${pid}/cmdline`) ?? '').replace(/\0/g, ' '));
  }
  const root = pids.find((pid) => cmdline.get(pid)?.includes(marker) && !cmdline.get(pid)?.includes('--type='));
  if (root === undefined) return null;
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  let peak: number | null = null;
  for (const pid of pids) {
    if (!cmdline.get(pid)?.includes('--type=renderer') || !descends(pid)) continue;
    const kb = /VmHWM:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '')?.[1];
    if (kb) peak = Math.max(peak ?? 0, Number(kb) * 1024);
  }
  return peak;
}
