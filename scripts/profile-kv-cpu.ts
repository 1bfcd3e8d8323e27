/**
 * The WASM KV cache two ways, timed in CPU time rather than wall time, so that a loaded machine
 * (the development VM's CPU is shared and stolen) does not decide the answer: onnxruntime-web's own
 * WASM build (1 thread) in Node, the same DecoderSession the app's worker runs, process.cpuUsage()
 * around each batch of decode steps.
 *   present  the fused graph: each step fetches `present.*` and feeds it back (the path before the pass)
 *   append   graphForBackend('wasm'): the step fetches only `new_kv.*`; the engine's append cache
 * Usage: npx tsx scripts/profile-kv-cpu.ts [synthetic shape | model folder] [long] [steps] [rounds]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { DecoderSession } from '../src/engine/decoder-session';
import { fuseDecoderGraph } from '../src/engine/graph/fuse-decoder';
import { graphForBackend } from '../src/engine/graph/for-backend';
import { buildGptDecoder } from '../src/bench/worker/synthetic/gpt-graph';
import { SYNTHETIC_SHAPES } from '../src/bench/shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from '../src/bench/worker/synthetic/onnx-builder';
import { readDecoderConfig, type DecoderConfig } from '../src/core/model-config';
import { argmax } from '../src/engine/sampling';
import type { ExternalFile } from '../src/engine/graph/onnx-graph';

const [what = 'gpt-25m', longArg = '1024', stepsArg = '16', roundsArg = '3'] = process.argv.slice(2);
ort.env.wasm.numThreads = 1;

function loadModel(): { onnx: Uint8Array; externalData: ExternalFile[]; config: DecoderConfig; vocab: number } {
  const shape = SYNTHETIC_SHAPES.find((s) => s.id === what);
  if (shape) {
    const built = buildGptDecoder(shape, 'fp32');
    return { onnx: built.model, externalData: [{ path: EXTERNAL_DATA_FILE, data: built.externalData }], config: built.config, vocab: shape.vocab };
  }
  const json = (f: string) => {
    try {
      return JSON.parse(readFileSync(path.join(what, f), 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const config = readDecoderConfig(json('config.json'), json('generation_config.json'), json('tokenizer_config.json'));
  return { onnx: new Uint8Array(readFileSync(path.join(what, 'onnx/model.onnx'))), externalData: [], config, vocab: config.vocabSize };
}

const model = loadModel();
const contexts = [16, Math.min(Number(longArg), model.config.contextLength - Number(stepsArg))];
const fused = fuseDecoderGraph(model.onnx, model.externalData, { maxPositions: model.config.contextLength });
const appended = graphForBackend('wasm', model, { contextLength: model.config.contextLength });
const api = ort as unknown as typeof import('onnxruntime-web');
const sessions = {
  present: await DecoderSession.create(api, fused?.onnx ?? model.onnx, model.externalData, 'wasm', model.config),
  append: await DecoderSession.create(api, appended.onnx, model.externalData, 'wasm', model.config),
};
const cpuMs: Record<string, number[]> = {};
const wallMs: Record<string, number[]> = {};
const tokens: Record<string, string> = {};
for (let round = 0; round < Number(roundsArg); round++) {
  for (const past of contexts) {
    for (const way of round % 2 ? (['append', 'present'] as const) : (['present', 'append'] as const)) {
      const decoder = sessions[way];
      const cache = decoder.newCache();
      const prompt = Array.from({ length: past }, (_, i) => (i * 131 + 7) % model.vocab);
      let id = argmax(await decoder.forward(prompt, cache));
      const ids: number[] = [];
      const steps = Number(stepsArg);
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      for (let i = 0; i < steps; i++) {
        id = argmax(await decoder.forward([id], cache));
        ids.push(id);
      }
      const cpu = process.cpuUsage(cpu0);
      (cpuMs[`${way}@${past}`] ??= []).push((cpu.user + cpu.system) / 1000 / steps);
      (wallMs[`${way}@${past}`] ??= []).push((performance.now() - wall0) / steps);
      tokens[`${way}@${past}`] = ids.join(',');
      cache.dispose();
    }
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const table = (m: Record<string, number[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number(median(v).toFixed(2))]));
const cpu = table(cpuMs);
const flat = (way: string) => Number((cpu[`${way}@${contexts[0]}`] / cpu[`${way}@${contexts[1]}`]).toFixed(3));
console.log(JSON.stringify({
  model: what,
  kvPath: { present: sessions.present.kvPath, append: sessions.append.kvPath },
  cpuMsPerStep: cpu,
  wallMsPerStep: table(wallMs),
  longOverShortCpu: { present: flat('present'), append: flat('append') },
  appendOverPresentAtShort: Number((cpu[`present@${contexts[0]}`] / cpu[`append@${contexts[0]}`]).toFixed(3)),
  sameTokens: contexts.every((c) => tokens[`present@${c}`] === tokens[`append@${c}`]),
}, null, 1));
