/**
 * Milliseconds per sampling step at a 262,144-token vocabulary (Gemma 3's), for each kind of setting:
 * the sampler the app uses against the full-sort sampler it replaced (kept in test/support as the
 * reference), on the same logits and seed. Usage: npx tsx scripts/profile-sampling.ts [steps] [--flat]
 *   --flat  near-uniform logits (the worst case for anything that sorts the tokens it keeps)
 */
import { Sampler, type SamplingSettings } from '../src/engine/sampling';
import { createRng } from '../src/core/rng';
import { referenceSample } from '../test/support/reference-sampler';

const VOCAB = 262_144;
const steps = Number(process.argv[2] ?? 20);
const flat = process.argv.includes('--flat');

/** Pseudo-normal logits with the spread of a real model's (σ ≈ 3), or nearly flat ones. */
function logitsFor(seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(VOCAB);
  for (let i = 0; i < VOCAB; i++) {
    const u = 1 - rng();
    const v = rng();
    out[i] = (flat ? 0.05 : 3) * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

const PLAIN: SamplingSettings = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };
const modes: [string, SamplingSettings, number][] = [
  ['greedy', { ...PLAIN, temperature: 0 }, 0],
  ['temperature 0.7', { ...PLAIN, temperature: 0.7 }, 0],
  ['top-k 40', { ...PLAIN, temperature: 0.7, topK: 40 }, 0],
  ['top-p 0.9', { ...PLAIN, temperature: 0.7, topP: 0.9 }, 0],
  ['top-p 0.9 + repetition penalty 1.1, 500 seen', { ...PLAIN, temperature: 0.7, topP: 0.9, repetitionPenalty: 1.1 }, 500],
];

const pool = Array.from({ length: 4 }, (_, i) => logitsFor(i + 1));
const work = new Float32Array(VOCAB);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fastest = (v: number[]) => Math.min(...v);

const rows: { mode: string; referenceMs: number; samplerMs: number; samplerFastestMs: number; sameTokens: boolean }[] = [];
for (const [mode, settings, seenCount] of modes) {
  const seen = Array.from({ length: seenCount }, (_, i) => (i * 524_287) % VOCAB);
  const sampler = new Sampler(settings);
  sampler.observe(seen);
  const rngNew = createRng(9);
  const rngRef = createRng(9);
  const times = { reference: [] as number[], sampler: [] as number[] };
  // Not interleaved: the reference allocates vocabulary-sized arrays every step, and the garbage
  // collections that follow would land on the new sampler's steps.
  const tokens = { reference: [] as number[], sampler: [] as number[] };
  for (let step = 0; step < steps + 2; step++) {
    work.set(pool[step % pool.length]);
    const t = performance.now();
    tokens.sampler.push(sampler.next(work, rngNew));
    // The first two steps warm the JIT up.
    if (step >= 2) times.sampler.push(performance.now() - t);
  }
  for (let step = 0; step < steps + 2; step++) {
    work.set(pool[step % pool.length]);
    const t = performance.now();
    tokens.reference.push(referenceSample(work, settings, rngRef, seen));
    if (step >= 2) times.reference.push(performance.now() - t);
  }
  const same = JSON.stringify(tokens.sampler) === JSON.stringify(tokens.reference);
  rows.push({ mode, referenceMs: median(times.reference), samplerMs: median(times.sampler), samplerFastestMs: fastest(times.sampler), sameTokens: same });
}
console.log(`ms per sampling step, vocabulary ${VOCAB}, ${flat ? 'near-flat' : 'σ = 3'} logits, median of ${steps} steps (fastest: what a step costs when nothing else wants the CPU)`);
console.log('| mode | full-sort reference | Sampler | Sampler, fastest | same tokens |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.mode} | ${r.referenceMs.toFixed(2)} | ${r.samplerMs.toFixed(2)} | ${r.samplerFastestMs.toFixed(2)} | ${r.sameTokens ? 'yes' : 'NO'} |`);
console.log(JSON.stringify({ sampling_ms_per_step: Object.fromEntries(rows.map((r) => [r.mode, r.samplerMs])) }));
