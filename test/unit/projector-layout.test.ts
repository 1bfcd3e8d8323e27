/**
 * Presentation mode's layout rules (issue 14, item 4): which slides a lecture is cut into, and when
 * an attention map is drawn as lines instead of a grid.
 */
import { describe, expect, it } from 'vitest';
import { SECTIONS, TABLE_ROWS_PER_SLIDE, partShown, presentationSlides } from '../../src/panels/architecture/slides';
import { LABEL_LINE, automaticLayout, gridReadable, linesBand, mapSide, mapWidth } from '../../src/panels/architecture/attention-layout';

describe('presentation slides', () => {
  it('cover every section in lecture order, and every row of the family table once', () => {
    const slides = presentationSlides(14);
    const order = slides.map((s) => s.section).filter((s, i, all) => all[i - 1] !== s);
    expect(order).toEqual([...SECTIONS]);
    const rows = slides.flatMap((s) => (s.rows ? Array.from({ length: s.rows.end - s.rows.start }, (_, k) => s.rows!.start + k) : []));
    expect(rows).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(Math.max(...slides.map((s) => (s.rows ? s.rows.end - s.rows.start : 0)))).toBeLessThanOrEqual(TABLE_ROWS_PER_SLIDE);
  });

  it('show one part of a two-model section per slide, and everything outside presentation mode', () => {
    const slides = presentationSlides(11);
    const decoderMasks = slides.find((s) => s.section === 'masks' && s.part === 'decoder')!;
    expect(partShown(decoderMasks, 'masks', 'decoder')).toBe(true);
    expect(partShown(decoderMasks, 'masks', 'encoder')).toBe(false);
    expect(partShown(decoderMasks, 'tasks', 'decoder')).toBe(false);
    expect(partShown(null, 'masks', 'encoder')).toBe(true);
    expect(partShown({ section: 'kv' }, 'kv', 'decoder')).toBe(true);
  });
});

describe('grid or lines', () => {
  it('keeps the grid while a cell is one label line tall, then switches to lines', () => {
    // On a screen (12 px labels) the map grows to 420 px: 29 tokens still get 14.5 px cells.
    expect(automaticLayout(29, mapSide(29, false, 1080), 12)).toBe('grid');
    expect(automaticLayout(30, mapSide(30, false, 1080), 12)).toBe('lines');
    // On a 720-line projector (18 px labels, a 360 px map) a 19-token sentence is already too long.
    expect(mapSide(19, true, 720)).toBe(360);
    expect(automaticLayout(16, 360, 18)).toBe('grid');
    expect(automaticLayout(19, 360, 18)).toBe('lines');
    expect(gridReadable(10, 10 * 18 * LABEL_LINE, 18)).toBe(true);
    expect(gridReadable(0, 400, 12)).toBe(false);
  });
});

describe('map width', () => {
  it('keeps square cells on a screen and a 1280 projector, and widens them on a 1920 one', () => {
    const side = mapSide(19, true, 1080);
    expect(mapWidth(420, false, 1920)).toBe(420);
    expect(mapWidth(mapSide(19, true, 720), true, 1280)).toBe(360);
    // 58 % of 1920 px: with its row labels the map passes 60 % of the slide, its pickers take the rest.
    expect(mapWidth(side, true, 1920)).toBe(1114);
    expect(mapWidth(side, true, 1920)).toBeGreaterThan(side);
    expect(linesBand(false, 1920)).toBe(180);
    expect(linesBand(true, 1280)).toBe(320);
    expect(linesBand(true, 1920)).toBe(768);
  });
});
