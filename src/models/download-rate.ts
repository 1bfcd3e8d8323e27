/**
 * Download speed and time left, from progress samples over a sliding window, so a stall shows up as
 * a falling speed instead of a frozen estimate.
 */

export class DownloadRate {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  /** Records that `bytes` (cumulative, network only) had arrived at time `at` (ms). */
  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0].at > this.windowMs) this.samples.shift();
  }

  /** Bytes per second, or null until two samples are far enough apart to say. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 250) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  /** Seconds left for `remaining` bytes, or null while the speed is unknown or zero. */
  secondsLeft(remaining: number): number | null {
    const rate = this.bytesPerSecond();
    return rate && rate > 0 ? remaining / rate : null;
  }

  reset(): void {
    this.samples = [];
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
