/**
 * What a load moves over the network, runtime and model together, for the one total the page shows:
 * the runtime's bytes are known from the build before it is fetched, the model's once its files are
 * sized; files the browser keeps and a runtime already running count for nothing.
 */
import type { LoadProgress, OrtBuild } from '../core/protocol';
import { runtimeBytes, runtimeModuleBytes } from './runtime-download';

export class LoadTransfer {
  private readonly runtimes = new Map<OrtBuild, { loaded: number; total: number | null }>();
  private model: { loadedBytes: number; totalBytes: number | null } = { loadedBytes: 0, totalBytes: null };

  /** `firstRuntimeBytes`: what the first backend's runtime still has to fetch (0: nothing). */
  constructor(firstBuild: OrtBuild, firstRuntimeBytes: number | null) {
    if (firstRuntimeBytes !== 0) this.runtimes.set(firstBuild, { loaded: 0, total: firstRuntimeBytes });
  }

  /** The model's network bytes so far and in all, as its download reports them. */
  modelProgress(network: { loadedBytes: number; totalBytes: number | null } | undefined): void {
    if (network) this.model = network;
  }

  /**
   * A runtime's binary came in up to `loadedBytes` of `binaryBytes`; a build not planned for (a fallback
   * to WASM) joins the total here. Its `.mjs`, which the runtime imports itself, counts once the binary is in.
   */
  runtimeProgress(build: OrtBuild, loadedBytes: number, binaryBytes: number | null): void {
    const module = runtimeModuleBytes(build);
    const done = binaryBytes !== null && loadedBytes >= binaryBytes;
    const whole = runtimeBytes(build) ?? (binaryBytes === null ? null : binaryBytes + module);
    this.runtimes.set(build, { loaded: loadedBytes + (done ? module : 0), total: whole });
  }

  get(): NonNullable<LoadProgress['transfer']> {
    let loadedBytes = this.model.loadedBytes;
    let totalBytes = this.model.totalBytes;
    for (const runtime of this.runtimes.values()) {
      loadedBytes += runtime.loaded;
      totalBytes = totalBytes === null || runtime.total === null ? null : totalBytes + runtime.total;
    }
    return { loadedBytes, totalBytes };
  }
}
