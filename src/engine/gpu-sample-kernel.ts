/**
 * The WGSL kernel that draws the next token on the GPU for every sampling setting (repetition penalty,
 * temperature, top-k, top-p; greedy too where a penalty is on) and writes one token id: 4 bytes read
 * back a token, whatever the vocabulary. No WebGPU call here (gpu-sampler.ts runs it), so its
 * arithmetic is tested without a GPU.
 *
 * It computes what `Sampler.next` (sampling.ts) computes, in the same order: the penalty on the raw
 * logits of seen tokens, the top-k candidates chosen on those values (ties to the lowest id), the
 * temperature on them, their softmax, the top-p nucleus (the smallest prefix, largest first, whose
 * mass reaches topP), and a draw that walks the kept tokens largest first spending one uniform number
 * r. Nothing is sorted: each of those cuts is a point in the largest-first order, found by a search
 * over the 32-bit order keys (the greatest key whose running mass or count from the top reaches the
 * goal, one bit a round), then, among tokens of that very key, over their ids (ties go by lowest id,
 * as the CPU's stable order has it). So for the same r the GPU draws the token the CPU draws, except
 * where r lands within float32 rounding (about 1e-6 of the mass) of the boundary between two tokens:
 * the CPU sums in float64, the GPU in float32, in another order. In distribution the two are the same
 * (test/e2e/gpu-sample.spec.ts: χ² over many draws).
 *
 * One workgroup of 256 lanes; each search round is one pass over the vocabulary and a tree reduction.
 * Each token's key and its softmax numerator are kept in scratch buffers between rounds; a token cut
 * out gets a numerator of 0, which every later round then skips by itself.
 */
import { logitKeyFunctions } from './gpu-pick-kernel';

const LANES = 256;

/** Bytes of the uniform parameters (`sampleParams`). */
export const SAMPLE_PARAMS_BYTES = 32;

export interface SampleParams {
  /** Index of the position's first logit from the start of the binding, and the vocabulary. */
  first: number;
  vocab: number;
  /** 0 or ≥ vocab: top-k off. */
  topK: number;
  /** ≤ 0: greedy (the largest penalised logit). */
  temperature: number;
  /** 1: off (seen tokens are then not read). */
  repetitionPenalty: number;
  /** ≤ 0 or ≥ 1: top-p off. */
  topP: number;
  /** The draw's uniform number in [0, 1). */
  r: number;
}

/** The largest float32 below 1: a uniform number from a float64 generator can round up to 1 in float32. */
const BELOW_ONE = 1 - 2 ** -24;

/** The parameters as the kernel's uniform buffer holds them. */
export function sampleParams(p: SampleParams): ArrayBuffer {
  const buffer = new ArrayBuffer(SAMPLE_PARAMS_BYTES);
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  u[0] = p.first;
  u[1] = p.vocab;
  u[2] = p.topK > 0 && p.topK < p.vocab ? p.topK : 0;
  u[3] = p.repetitionPenalty !== 1 ? 1 : 0;
  f[4] = p.temperature;
  f[5] = p.repetitionPenalty;
  f[6] = p.topP > 0 && p.topP < 1 ? p.topP : 1;
  f[7] = Math.min(Math.fround(p.r), BELOW_ONE);
  return buffer;
}

/** Words of the seen-token bitset for a vocabulary (at least one: a binding is never empty). */
export function seenWords(vocab: number): number {
  return Math.max(1, Math.ceil(vocab / 32));
}

/** The sampling kernel for float32 or float16 logits. */
export function sampleShader(half: boolean): string {
  return /* wgsl */ `
const LANES: u32 = ${LANES}u;

struct Params { first: u32, vocab: u32, topK: u32, penalize: u32, temperature: f32, penalty: f32, topP: f32, r: f32 }

@group(0) @binding(0) var<storage, read> logits: array<u32>;
@group(0) @binding(1) var<storage, read> seen: array<u32>;
@group(0) @binding(2) var<storage, read_write> keys: array<u32>;
@group(0) @binding(3) var<storage, read_write> mass: array<f32>;
@group(0) @binding(4) var<storage, read_write> drawn: array<u32>;
@group(0) @binding(5) var<uniform> params: Params;

var<workgroup> redF: array<f32, LANES>;
var<workgroup> redU: array<u32, LANES>;
var<workgroup> redI: array<u32, LANES>;
var<workgroup> outF: f32;
var<workgroup> outU: u32;
var<workgroup> outI: u32;
${logitKeyFunctions(half)}
fn keyValue(key: u32) -> f32 { return bitcast<f32>(keyBits(key)); }

fn sumF(lane: u32, x: f32) -> f32 {
  redF[lane] = x;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s >>= 1u) {
    if (lane < s) { redF[lane] += redF[lane + s]; }
    workgroupBarrier();
  }
  if (lane == 0u) { outF = redF[0]; }
  return workgroupUniformLoad(&outF);
}

fn sumU(lane: u32, x: u32) -> u32 {
  redU[lane] = x;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s >>= 1u) {
    if (lane < s) { redU[lane] += redU[lane + s]; }
    workgroupBarrier();
  }
  if (lane == 0u) { outU = redU[0]; }
  return workgroupUniformLoad(&outU);
}

// The largest key and the lowest id holding it; the id is left in outI.
fn maxKey(lane: u32, key: u32, id: u32) -> u32 {
  redU[lane] = key;
  redI[lane] = id;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s >>= 1u) {
    if (lane < s) {
      let o = lane + s;
      if (redU[o] > redU[lane] || (redU[o] == redU[lane] && redI[o] < redI[lane])) {
        redU[lane] = redU[o];
        redI[lane] = redI[o];
      }
    }
    workgroupBarrier();
  }
  if (lane == 0u) { outU = redU[0]; outI = redI[0]; }
  return workgroupUniformLoad(&outU);
}

// Tokens still in play with key > t, and those of key t with an id below idEnd (0xffffffff: all of
// them): how many (count mode) or their mass.
fn above(lane: u32, t: u32, idEnd: u32, counting: bool) -> f32 {
  var count = 0u;
  var total = 0.0;
  for (var i = lane; i < params.vocab; i += LANES) {
    let key = keys[i];
    if (key > t || (key == t && i < idEnd)) {
      if (counting) { count += 1u; } else { total += mass[i]; }
    }
  }
  if (counting) { return f32(sumU(lane, count)); }
  return sumF(lane, total);
}

// How many tokens have key t, and the lowest id among them.
fn tiesOf(lane: u32, t: u32) -> vec2<u32> {
  var count = 0u;
  var first = 0xffffffffu;
  for (var i = lane; i < params.vocab; i += LANES) {
    if (keys[i] == t) {
      count += 1u;
      first = min(first, i);
    }
  }
  redU[lane] = count;
  redI[lane] = first;
  workgroupBarrier();
  for (var s = LANES / 2u; s > 0u; s >>= 1u) {
    if (lane < s) {
      redU[lane] += redU[lane + s];
      redI[lane] = min(redI[lane], redI[lane + s]);
    }
    workgroupBarrier();
  }
  if (lane == 0u) { outU = redU[0]; outI = redI[0]; }
  let count_ = workgroupUniformLoad(&outU);
  return vec2<u32>(count_, workgroupUniformLoad(&outI));
}

fn reaches(value: f32, goal: f32, strict: bool) -> bool {
  return (strict && value > goal) || (!strict && value >= goal);
}

// The point in largest-first order where the running count or mass from the top first reaches the
// goal (strict: exceeds it), as (key, id): the greatest key t whose tokens from the top reach it,
// one bit a round (the running sum only grows as t falls), then among the tokens of key t, in id
// order, the one where it does. Counts are exact in float32 (below 2^24 tokens).
fn cut(lane: u32, goal: f32, strict: bool, counting: bool) -> vec2<u32> {
  var t = 0u;
  for (var b = 31i; b >= 0i; b -= 1i) {
    let probe = t | (1u << u32(b));
    if (reaches(above(lane, probe, 0xffffffffu, counting), goal, strict)) { t = probe; }
  }
  let ties = tiesOf(lane, t);
  if (ties.x == 1u) { return vec2<u32>(t, ties.y); }
  // Several tokens share key t: the greatest id whose predecessors (key > t, or key t and a lower id)
  // still fall short is the one that reaches the goal.
  var id = 0u;
  for (var b = 31i - i32(countLeadingZeros(params.vocab)); b >= 0i; b -= 1i) {
    let probe = id | (1u << u32(b));
    if (!reaches(above(lane, t, probe, counting), goal, strict)) { id = probe; }
  }
  return vec2<u32>(t, id);
}

// Tokens after the cut (key, id) leave play: their mass becomes 0 and their key the lowest.
fn keepThrough(lane: u32, at: vec2<u32>) {
  let t = at.x;
  let id = at.y;
  for (var i = lane; i < params.vocab; i += LANES) {
    let key = keys[i];
    if (key < t || (key == t && i > id)) {
      keys[i] = 0u;
      mass[i] = 0.0;
    }
  }
  storageBarrier();
  workgroupBarrier();
}

@compute @workgroup_size(${LANES})
fn main(@builtin(local_invocation_index) lane: u32) {
  // Penalty on the raw logits of seen tokens, as Sampler.applyPenalty: the values every later step ranks.
  var best = 0u;
  var bestId = 0xffffffffu;
  for (var i = lane; i < params.vocab; i += LANES) {
    var bits = floatBits(params.first + i);
    if (params.penalize != 0u && ((seen[i >> 5u] >> (i & 31u)) & 1u) != 0u) {
      let x = bitcast<f32>(bits);
      bits = bitcast<u32>(select(x * params.penalty, x / params.penalty, x > 0.0));
    }
    // Ids rise within a lane, so a tie keeps the lowest.
    // Every real key is ≥ 0x007fffff (-Infinity): 0 marks a token cut out of play.
    let key = orderKey(bits);
    keys[i] = key;
    if (key > best) { best = key; bestId = i; }
  }
  let top = maxKey(lane, best, bestId);
  let topId = workgroupUniformLoad(&outI);
  // Greedy, or nothing above -Infinity (key 0x007fffff) to draw from: the first largest, as argmax.
  if (params.temperature <= 0.0 || top <= 0x007fffffu) {
    if (lane == 0u) { drawn[0] = select(topId, 0u, topId == 0xffffffffu); }
    return;
  }
  storageBarrier();
  workgroupBarrier();
  // Top-k: the k largest stay (ties to the lowest id); chosen before the temperature, as on the CPU.
  if (params.topK != 0u) {
    keepThrough(lane, cut(lane, f32(params.topK), false, true));
  }
  // The softmax numerators of the tokens in play, from the largest scaled logit.
  let peak = keyValue(top) / params.temperature;
  for (var i = lane; i < params.vocab; i += LANES) {
    let key = keys[i];
    mass[i] = select(0.0, exp(keyValue(key) / params.temperature - peak), key != 0u);
  }
  storageBarrier();
  workgroupBarrier();
  var total = above(lane, 0u, 0xffffffffu, false);
  // Top-p: the smallest prefix whose mass reaches topP of the total.
  if (params.topP < 1.0) {
    keepThrough(lane, cut(lane, params.topP * total, false, false));
    total = above(lane, 0u, 0xffffffffu, false);
  }
  // The draw: the first token (largest first) where the running mass exceeds r of the total; kept
  // below the total, so that float32 rounding never walks past the last token.
  let goal = min(params.r * total, bitcast<f32>(bitcast<u32>(total) - 1u));
  let at = cut(lane, goal, true, false);
  if (lane == 0u) { drawn[0] = at.y; }
}
`;
}
