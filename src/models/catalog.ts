/**
 * The models that ship with the app, served from the app's own origin so it works offline, and a
 * curated list of Hub instruct models in the transformers.js ONNX layout that fit a browser.
 */
import { hubFolderUrl, isHubId, type Dtype } from './hub';

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

/** `?model=` accepts an embedded id (`tl-gpt`), a Hub id (`owner/name`) or a folder URL. */
export function resolveModelParam(param: string | null): string {
  const value = param?.trim();
  if (!value) return embeddedModelUrl(DEFAULT_MODEL);
  const embedded = EMBEDDED_MODELS.find((m) => m.id === value);
  if (embedded) return embeddedModelUrl(embedded);
  return isHubId(value) ? hubFolderUrl(value) : value;
}

export interface HubCatalogModel {
  id: string;
  label: string;
  license: string;
  parameters: string;
  contextLength: number;
  /**
   * Approximate download per dtype in MB, written from memory of the Hub listings: the app shows the
   * sizes the server reports whenever it can reach it, and marks these as approximate.
   */
  approxSizeMB: Partial<Record<Dtype, number>>;
  /** Rough working memory for a short chat at q4, in MB (weights + KV cache + runtime). */
  approxMemoryMB: number;
}

export const HUB_CATALOG: readonly HubCatalogModel[] = [
  {
    id: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    label: 'SmolLM2 135M Instruct',
    license: 'Apache-2.0',
    parameters: '135M',
    contextLength: 8192,
    approxSizeMB: { fp32: 540, fp16: 270, q4: 120, q4f16: 100 },
    approxMemoryMB: 400,
  },
  {
    id: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    label: 'SmolLM2 360M Instruct',
    license: 'Apache-2.0',
    parameters: '360M',
    contextLength: 8192,
    approxSizeMB: { fp32: 1450, fp16: 725, q4: 300, q4f16: 260 },
    approxMemoryMB: 800,
  },
  {
    id: 'onnx-community/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5 0.5B Instruct',
    license: 'Apache-2.0',
    parameters: '494M',
    contextLength: 32768,
    approxSizeMB: { fp32: 1990, fp16: 990, q4: 790, q4f16: 480 },
    approxMemoryMB: 1200,
  },
  {
    id: 'onnx-community/Llama-3.2-1B-Instruct',
    label: 'Llama 3.2 1B Instruct',
    license: 'Llama 3.2 Community License',
    parameters: '1.24B',
    contextLength: 131072,
    approxSizeMB: { fp32: 4940, fp16: 2470, q4: 1620, q4f16: 1010 },
    approxMemoryMB: 2200,
  },
];
