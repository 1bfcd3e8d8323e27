/**
 * The lesson's decoder on one session. Its graph (attention exposed by `exposeAttention`, or as
 * exported) serves both the KV-cache steps of the next-token view and the whole-sentence passes of
 * the maps and the head view: each call fetches only the outputs it shows (a step: logits and
 * present.*; the maps: the Softmax outputs; the head view: one block's tensors), so a second session
 * of the same weights, which would double the worker's memory, is not needed.
 */
import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../../core/protocol';
import type { DecoderConfig } from '../../core/model-config';
import { DecoderSession, decoderSessionOptions } from '../decoder-session';
import { AttentionRunner, type AttentionSource } from './attention-runner';

export interface LessonDecoder {
  /** Whole-sentence passes without a cache (an empty one is fed). */
  runner: AttentionRunner;
  /** Cached steps, on the same session. */
  decoder: DecoderSession;
  /** Releases the one session. */
  release: () => Promise<void>;
}

export async function openLessonDecoder(
  ort: typeof Ort, model: Uint8Array, externalData: { path: string; data: Uint8Array }[], backend: Backend, file: string, source: AttentionSource, config: DecoderConfig,
  /** `executionProvider` overrides the backend's: the unit tests run on onnxruntime-node ('cpu'). */
  options: { executionProvider?: string } = {},
): Promise<LessonDecoder> {
  const session = await ort.InferenceSession.create(model, decoderSessionOptions(backend, externalData, options.executionProvider));
  try {
    return { runner: AttentionRunner.over(ort, session, file, source), decoder: DecoderSession.over(ort, session, backend, config, file), release: () => session.release() };
  } catch (error) {
    await session.release();
    throw error;
  }
}
