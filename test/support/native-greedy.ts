/** Greedy ids of a decoder graph on native onnxruntime-node (CPU), through the app's own loop: a reference outside the browser. */
import * as ort from 'onnxruntime-node';
import type * as OrtWeb from 'onnxruntime-web';
import { DecoderSession } from '../../src/engine/decoder-session';
import { runGenerationLoop } from '../../src/engine/generate';
import type { DecoderConfig } from '../../src/core/model-config';
import { createRng } from '../../src/core/rng';
import type { ExternalFile } from '../../src/engine/graph/onnx-graph';

/** The same graph on onnxruntime-web's plain WASM build (the app's WASM backend), run in Node on one thread. */
export async function webWasmSession(onnx: Uint8Array, externalData: ExternalFile[], config: DecoderConfig): Promise<DecoderSession> {
  const web = await import('onnxruntime-web/wasm');
  web.env.wasm.numThreads = 1;
  return DecoderSession.create(web as unknown as typeof OrtWeb, onnx, externalData, 'wasm', config);
}

export function nativeSession(onnx: Uint8Array, externalData: ExternalFile[], config: DecoderConfig): Promise<DecoderSession> {
  return DecoderSession.create(ort as unknown as typeof OrtWeb, onnx, externalData, 'wasm', config, { executionProvider: 'cpu' });
}

/** `repetitionPenalty`: greedy over the penalised logits, as the chat's greedy with a penalty is. */
export async function nativeGreedy(onnx: Uint8Array, externalData: ExternalFile[], config: DecoderConfig, promptIds: readonly number[], tokens: number, repetitionPenalty = 1): Promise<number[]> {
  const decoder = await nativeSession(onnx, externalData, config);
  try {
    const result = await runGenerationLoop(decoder, promptIds, {
      sampling: { temperature: 0, topK: 0, topP: 1, repetitionPenalty },
      maxNewTokens: tokens,
      contextLength: config.contextLength,
      eosIds: [],
      rng: createRng(0),
      isAborted: () => false,
      yieldToEvents: async () => {},
      onToken: () => false,
    });
    return result.tokenIds;
  } finally {
    await decoder.release();
  }
}
