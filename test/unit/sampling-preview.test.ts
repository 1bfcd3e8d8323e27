/**
 * The lesson's sampling playground runs the chat's own sampler: on the same logits and settings it
 * keeps exactly the tokens the chat's `Sampler` draws from, reports their mass of the distribution,
 * and its "sample 100 times" draws are the sampler's own draws.
 */
import { describe, expect, it } from 'vitest';
import { Sampler, type SamplingSettings } from '../../src/engine/sampling';
import { previewSampling } from '../../src/engine/sampling-preview';
import { createRng } from '../../src/core/rng';

/** Logits of a 4096-token vocabulary (the embedded decoder's), a few tokens well ahead of the rest. */
function fakeLogits(seed: number): Float32Array {
  const rng = createRng(seed);
  const logits = new Float32Array(4096);
  for (let i = 0; i < logits.length; i++) logits[i] = rng() * 4 - 2;
  for (let i = 0; i < 12; i++) logits[Math.floor(rng() * logits.length)] += 6 - i * 0.4;
  return logits;
}

/** The mass the chat's sampler keeps, computed apart: softmax of the penalised, scaled logits over its kept ids. */
function chatKeptMass(logits: Float32Array, settings: SamplingSettings, context: number[]): { ids: number[]; mass: number } {
  const sampler = new Sampler(settings);
  sampler.observe(context);
  const { ids } = sampler.distribution(logits);
  const scaled = Array.from(logits, (v, id) => {
    const penalised = context.includes(id) ? (v > 0 ? v / settings.repetitionPenalty : v * settings.repetitionPenalty) : v;
    return penalised / settings.temperature;
  });
  const max = Math.max(...scaled);
  const total = scaled.reduce((a, v) => a + Math.exp(v - max), 0);
  return { ids, mass: ids.reduce((a, id) => a + Math.exp(scaled[id] - max) / total, 0) };
}

const SETTINGS: SamplingSettings[] = [
  { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 },
  { temperature: 0.7, topK: 40, topP: 0.95, repetitionPenalty: 1 },
  { temperature: 1, topK: 5, topP: 1, repetitionPenalty: 1 },
  { temperature: 1.3, topK: 0, topP: 0.5, repetitionPenalty: 1 },
  { temperature: 0.8, topK: 20, topP: 0.8, repetitionPenalty: 1.3 },
];

describe('sampling playground', () => {
  for (const settings of SETTINGS) {
    it(`keeps the chat sampler's tokens and mass (T ${settings.temperature}, top-k ${settings.topK}, top-p ${settings.topP}, penalty ${settings.repetitionPenalty})`, () => {
      const logits = fakeLogits(7);
      const context = [3, 17, 400, 2048];
      const preview = previewSampling({ logits, settings, context, draws: 0, seed: 1, shown: 10 });
      const chat = chatKeptMass(logits, settings, context);
      expect(preview.keptCount).toBe(chat.ids.length);
      expect(preview.keptMass).toBeCloseTo(chat.mass, 9);
      // The bars greyed out are exactly the ones the sampler cannot draw.
      preview.ids.forEach((id, i) => expect(preview.keptProbs[i] > 0).toBe(chat.ids.includes(id)));
    });
  }

  it('top-k keeps k tokens, and less mass as k falls', () => {
    const logits = fakeLogits(3);
    const base = { temperature: 1, topP: 1, repetitionPenalty: 1 };
    const masses = [0, 50, 10, 3, 1].map((topK) => previewSampling({ logits, settings: { ...base, topK }, context: [], draws: 0, seed: 1, shown: 10 }));
    expect(masses.map((m) => m.keptCount)).toEqual([4096, 50, 10, 3, 1]);
    expect(masses[0].keptMass).toBeCloseTo(1, 12);
    for (let i = 1; i < masses.length; i++) expect(masses[i].keptMass).toBeLessThan(masses[i - 1].keptMass);
  });

  it('the repetition penalty lowers a token of the sentence so far', () => {
    const logits = fakeLogits(5);
    const settings = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };
    const plain = previewSampling({ logits, settings, context: [], draws: 0, seed: 1, shown: 3 });
    const top = plain.ids[0];
    const penalised = previewSampling({ logits, settings: { ...settings, repetitionPenalty: 2 }, context: [top], draws: 0, seed: 1, shown: 3 });
    expect(penalised.ids[0]).not.toBe(top);
  });

  it('its draws are the chat sampler’s draws with the same seed, inside the kept tokens', () => {
    const logits = fakeLogits(11);
    const settings = { temperature: 0.9, topK: 8, topP: 0.9, repetitionPenalty: 1.2 };
    const context = [1, 2, 3];
    const preview = previewSampling({ logits, settings, context, draws: 100, seed: 42, shown: 10 });
    const sampler = new Sampler(settings);
    sampler.observe(context);
    const rng = createRng(42);
    const expected = preview.ids.map(() => 0);
    for (let d = 0; d < 100; d++) expected[preview.ids.indexOf(sampler.next(Float32Array.from(logits), rng))]++;
    expect(preview.drawCounts).toEqual(expected);
    expect(preview.drawsElsewhere).toBe(0);
    preview.ids.forEach((_, i) => { if (preview.keptProbs[i] === 0) expect(preview.drawCounts[i]).toBe(0); });
  });

  it('temperature 0 keeps only the top token and always draws it', () => {
    const logits = fakeLogits(13);
    const preview = previewSampling({ logits, settings: { temperature: 0, topK: 40, topP: 0.95, repetitionPenalty: 1 }, context: [], draws: 100, seed: 1, shown: 5 });
    expect(preview.keptCount).toBe(1);
    expect(preview.keptProbs).toEqual([1, 0, 0, 0, 0]);
    expect(preview.drawCounts[0]).toBe(100);
    expect(preview.keptMass).toBeCloseTo(preview.probs[0], 12);
  });
});
