/** The figures of ../shared/facts/model-families.md, as typed data (cited in the UI as "original papers"). */
import data from './model-families.json';

export interface FamilyRow {
  id: string;
  name: string;
  year: number;
  /** ERNIE 3.0 and Titan: one framework with a shared encoder for understanding *and* generation. */
  family: 'decoder' | 'encoder' | 'unified';
  layers: number | null;
  /** null: not published (ChatGPT). */
  params: number | null;
  data: string | null;
  /** The same in Simplified Chinese. */
  data_zh: string | null;
  note: string;
  /** Where the figures come from: paper and table or section. */
  source: string;
  /** The same in Simplified Chinese. */
  source_zh: string;
  /** false where the maker never published size or data (ChatGPT): shown as "not published", not as a number. */
  published?: boolean;
}

export interface TimelinePoint {
  name: string;
  year: number;
  params: number;
}

export interface ComputePreset {
  name: string;
  pfDays: number;
  flops: number;
  params: number;
  tokens: number;
}

export const FAMILIES = data.families as FamilyRow[];
export const TIMELINE = data.timeline as TimelinePoint[];
export const COMPUTE_PRESETS = data.compute as ComputePreset[];
/** The source of every compute preset, in the language asked for. */
export function computeSource(zh: boolean): string {
  return zh ? data.compute_source_zh : data.compute_source;
}
