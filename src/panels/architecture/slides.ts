/**
 * The lecture's sections, and the slides presentation mode cuts them into. A projector shows no
 * label below 18 px (projector.ts), so a section too dense for one screen at that size is split:
 * one model per slide where a section compares two, the attention map apart from the head's
 * arithmetic, and the family table a few rows at a time. Normal mode shows every section whole.
 */
export type SectionId = 'transformer' | 'tasks' | 'masks' | 'attention' | 'kv' | 'ernie' | 'scale';
export const SECTIONS: readonly SectionId[] = ['transformer', 'tasks', 'masks', 'attention', 'kv', 'ernie', 'scale'];

/** Parts of a section; a slide without a part shows the whole section. */
export type SlidePart =
  | 'numbers' | 'path'
  | 'decoder' | 'encoder' | 'sampling'
  | 'decoder-map' | 'encoder-map' | 'decoder-inside' | 'encoder-inside'
  | 'compare' | 'why'
  | 'chart' | 'table' | 'calculator';

export interface Slide {
  section: SectionId;
  part?: SlidePart;
  /** Rows of the family table on a 'table' slide: [start, end). */
  rows?: { start: number; end: number };
}

/** Family-table rows per slide: each row wraps its source over two lines at projector size. */
export const TABLE_ROWS_PER_SLIDE = 4;

/** Every slide in lecture order, for a family table of `tableRows` rows. */
export function presentationSlides(tableRows: number): Slide[] {
  const tablePages: Slide[] = [];
  for (let start = 0; start < tableRows; start += TABLE_ROWS_PER_SLIDE) {
    tablePages.push({ section: 'scale', part: 'table', rows: { start, end: Math.min(tableRows, start + TABLE_ROWS_PER_SLIDE) } });
  }
  return [
    { section: 'transformer', part: 'numbers' }, { section: 'transformer', part: 'path' },
    { section: 'tasks', part: 'decoder' }, { section: 'tasks', part: 'sampling' }, { section: 'tasks', part: 'encoder' },
    { section: 'masks', part: 'decoder' }, { section: 'masks', part: 'encoder' },
    { section: 'attention', part: 'decoder-map' }, { section: 'attention', part: 'encoder-map' },
    { section: 'attention', part: 'decoder-inside' }, { section: 'attention', part: 'encoder-inside' },
    { section: 'kv' },
    { section: 'ernie', part: 'compare' }, { section: 'ernie', part: 'why' },
    { section: 'scale', part: 'chart' }, ...tablePages, { section: 'scale', part: 'calculator' },
  ];
}

/** Whether `part` of `section` shows: always outside presentation, else only on its own slide. */
export function partShown(slide: Slide | null, section: SectionId, part: SlidePart): boolean {
  if (!slide) return true;
  return slide.section === section && (!slide.part || slide.part === part);
}
