/** The figures of ../shared/facts/model-families.md, as typed data (cited in the UI as "original papers"). */
import data from './model-families.json';

export interface FamilyRow {
  id: string;
  name: string;
  year: number;
  family: 'decoder' | 'encoder';
  layers: number | null;
  params: number;
  data: string | null;
  /** The same in Simplified Chinese. */
  data_zh: string | null;
  note: string;
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
