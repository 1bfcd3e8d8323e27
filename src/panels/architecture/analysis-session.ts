/**
 * One analysis worker for the page, shared by every mount of the panel: switching tabs away and
 * back must not download and rebuild three models again. Loads are remembered per slot and backend.
 */
import { AnalysisClient } from '../../clients/analysis-client';
import type { AnalysisModelInfo, ModelSlot } from '../../core/analysis-protocol';
import type { BackendPreference } from '../../core/protocol';
import { EMBEDDED_MODELS, embeddedModelUrl, type EmbeddedModel } from '../../models/catalog';

let client: AnalysisClient | null = null;
const loads = new Map<string, Promise<AnalysisModelInfo>>();
const crashListeners = new Set<() => void>();

export function analysisClient(): AnalysisClient {
  if (!client) {
    client = new AnalysisClient();
    // The dead worker took its models with it: forget them, so the next loads go to the new worker.
    client.onCrash = () => {
      loads.clear();
      for (const listener of crashListeners) listener();
    };
  }
  return client;
}

/** Calls `listener` after the analysis worker died (its models are gone); returns the unsubscribe. */
export function onAnalysisCrash(listener: () => void): () => void {
  crashListeners.add(listener);
  return () => crashListeners.delete(listener);
}

/** The embedded model each slot starts with (the lesson's choice of models, not a fact about them). */
const EMBEDDED_IN_SLOT: Record<ModelSlot, string> = { decoder: 'tl-gpt', bert: 'tl-bert', ernie: 'tl-ernie' };

/** A model the lecturer chose for a slot instead of the embedded one (Hub or local folder). */
export interface ChosenModel {
  folderUrl: string;
  onnxFile: string;
}
const chosen = new Map<ModelSlot, ChosenModel>();

/** Puts `model` in `slot` from now on (every later `loadSlot`), or the embedded model again for null. */
export function chooseSlotModel(slot: ModelSlot, model: ChosenModel | null): void {
  if (model) chosen.set(slot, model);
  else chosen.delete(slot);
}

/** The model chosen for `slot`, or null for the embedded one. */
export function slotModel(slot: ModelSlot): ChosenModel | null {
  return chosen.get(slot) ?? null;
}

/**
 * The embedded model `slot` runs, or null while it runs one the lecturer chose: what is known of a
 * model from its training (measured accuracy, tokens seen) belongs to that model, not to its name.
 */
export function embeddedModelIn(slot: ModelSlot): EmbeddedModel | null {
  return chosen.has(slot) ? null : EMBEDDED_MODELS.find((m) => m.id === EMBEDDED_IN_SLOT[slot])!;
}

export function loadSlot(slot: ModelSlot, backend: BackendPreference, wasmThreads?: number): Promise<AnalysisModelInfo> {
  const choice = chosen.get(slot);
  const key = `${slot}:${backend}:${choice ? `${choice.folderUrl}|${choice.onnxFile}` : 'embedded'}`;
  let load = loads.get(key);
  if (!load) {
    const embedded = embeddedModelIn(slot);
    const started = analysisClient().load(embedded
      ? { slot, modelUrl: embeddedModelUrl(embedded), backend, wasmThreads }
      : { slot, modelUrl: choice!.folderUrl, onnxFile: choice!.onnxFile, backend, wasmThreads });
    started.then(
      // The worker holds one model per slot and replaces it only once the new one is ready: the
      // slot's earlier load stays valid until then (a failed load leaves it running).
      () => {
        for (const other of [...loads.keys()]) if (other !== key && other.startsWith(`${slot}:`)) loads.delete(other);
      },
      // A failed load may succeed later (the files were still being written): do not remember it.
      () => {
        if (loads.get(key) === started) loads.delete(key);
      },
    );
    loads.set(key, started);
    load = started;
  }
  return load;
}
