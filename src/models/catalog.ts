/**
 * The models that ship with the app, served from the app's own origin so it works offline.
 */

export interface EmbeddedModel {
  id: string;
  label: string;
  /** Folder relative to the app's base URL. */
  path: string;
  kind: 'decoder' | 'encoder';
}

export const EMBEDDED_MODELS: readonly EmbeddedModel[] = [
  { id: 'tl-gpt', label: 'TL-GPT (embedded decoder)', path: 'models/tl-gpt/', kind: 'decoder' },
  { id: 'tl-bert', label: 'TL-BERT (embedded encoder)', path: 'models/tl-bert/', kind: 'encoder' },
  { id: 'tl-ernie', label: 'TL-ERNIE (embedded encoder)', path: 'models/tl-ernie/', kind: 'encoder' },
];

export const DEFAULT_MODEL = EMBEDDED_MODELS[0];

/** The folder address of an embedded model, as the page sees it. */
export function embeddedModelUrl(model: EmbeddedModel, baseUrl: string = import.meta.env.BASE_URL): string {
  return `${baseUrl}${model.path}`;
}

/** `?model=` accepts an embedded id (`tl-gpt`) or a folder URL. */
export function resolveModelParam(param: string | null): string {
  const value = param?.trim();
  if (!value) return embeddedModelUrl(DEFAULT_MODEL);
  const embedded = EMBEDDED_MODELS.find((m) => m.id === value);
  return embedded ? embeddedModelUrl(embedded) : value;
}
