/**
 * The scale chart's labels (issue 24, item 4): on the real family data, at the screen's and the
 * projector's text size, no label covers a dot or another label, and every label stays in the plot.
 */
import { describe, expect, it } from 'vitest';
import { PAD, W, placeLabels, scaleChartLayout, type Box } from '../../src/panels/architecture/scale-labels';

const overlaps = (a: Box, b: Box) => Math.min(a.right, b.right) > Math.max(a.left, b.left) && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
const embedded = [
  { name: 'tl-gpt', params: 1_100_000, family: 'decoder' as const, layers: 4 },
  { name: 'tl-bert', params: 2_700_000, family: 'encoder' as const, layers: 4 },
  { name: 'tl-ernie', params: 2_700_000, family: 'encoder' as const, layers: 4 },
];

describe('scale chart labels', () => {
  for (const [where, text] of [['screen', 11], ['projector', 16]] as const) {
    it(`on the ${where} (${text}-unit text) cover no dot, no other label and stay inside the plot`, () => {
      const { dots, here, labels } = scaleChartLayout(embedded, text);
      expect(labels).toHaveLength(dots.length);
      const dotBoxes = dots.map((d) => ({ left: d.cx - 5, right: d.cx + 5, top: d.cy - 5, bottom: d.cy + 5 }));
      const fixed = here.flatMap((h) => h.boxes);
      const problems: string[] = [];
      labels.forEach((label, i) => {
        const { box } = label;
        if (box.left < PAD.left || box.right > W - PAD.right || box.top < 0) problems.push(`${dots[i].name} leaves the plot`);
        dotBoxes.forEach((d, j) => overlaps(box, d) && problems.push(`${dots[i].name} covers the dot of ${dots[j].name}`));
        fixed.forEach((f) => overlaps(box, f) && problems.push(`${dots[i].name} covers a model running here`));
        labels.slice(0, i).forEach((other, j) => overlaps(box, other.box) && problems.push(`${dots[i].name} covers the label of ${dots[j].name}`));
      });
      expect(problems).toEqual([]);
    });
  }

  it('moves a label off its line only when both sides of its dot are taken, and says so with a leader', () => {
    const marks = [{ name: 'A', cx: 100, cy: 100 }, { name: 'B', cx: 100, cy: 100 }, { name: 'C', cx: 100, cy: 100 }];
    const [a, b, c] = placeLabels(marks, { text: 10, dot: 5, bounds: { left: 0, right: 300, top: 0, bottom: 300 } });
    expect([a.anchor, a.leader]).toEqual(['start', false]);
    expect([b.anchor, b.leader]).toEqual(['end', false]);
    expect(c.leader).toBe(true);
    expect(c.y).not.toBe(a.y);
  });
});
