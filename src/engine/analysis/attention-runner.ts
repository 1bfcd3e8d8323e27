/**
 * Runs a graph that shows its attention probabilities over a whole sequence, without a cache: an
 * encoder's `model.onnx`, or a decoder's `model.onnx` fed an empty KV cache. The maps come either
 * from outputs the export already names `attentions.{layer}` ([batch, heads, seq, seq]) or from the
 * tensors `exposeAttention` made outputs; a graph with fused attention runs without maps. Feeds are
 * built from the inputs the graph declares.
 */
import { SESSION_LOG_SEVERITY } from '../session-log';
import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../../core/protocol';
import type { AttentionMaps, HeadInside } from '../../core/analysis-protocol';
import { ModelFormatError } from '../../core/errors';
import { sessionUsesFloat16 } from '../decoder-session';
import { fromFloat16Bits } from '../graph/float16';
import type { AttentionBlock } from '../graph/expose-attention';
import { headInside } from './head-inside';

type Ort = typeof Ort;

export interface FullPass {
  /** Logits of every position, row-major `seq × vocab`. */
  logits: Float32Array;
  vocab: number;
  /** Null where the graph fuses attention into one op and has no maps to give. */
  attention: AttentionMaps | null;
}

/** Where the runner finds the maps: named outputs, exposed blocks, or none (fused attention). */
export type AttentionSource = { kind: 'named' } | { kind: 'blocks'; blocks: AttentionBlock[] } | { kind: 'none' };

async function floats(tensor: Ort.Tensor): Promise<Float32Array> {
  const data = await tensor.getData();
  if (tensor.type === 'float16' && data instanceof Uint16Array) return Float32Array.from(data, fromFloat16Bits);
  return Float32Array.from(data as Float32Array);
}

export class AttentionRunner {
  private readonly probsNames: string[];
  private readonly logitsName: string;

  private constructor(
    private readonly ort: Ort,
    private readonly session: Ort.InferenceSession,
    private readonly file: string,
    private readonly source: AttentionSource,
  ) {
    this.probsNames = source.kind === 'named'
      ? session.outputNames.filter((name) => /^attentions\.\d+$/.test(name)).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      : source.kind === 'blocks' ? source.blocks.map((block) => block.probs) : [];
    const logits = session.outputNames.includes('logits') ? 'logits' : undefined;
    if (!logits) throw new ModelFormatError(file, 'it has no logits output');
    this.logitsName = logits;
    if (source.kind === 'named' && !this.probsNames.length) throw new ModelFormatError(file, 'it exports no attentions.{layer} outputs');
  }

  static async create(
    ort: Ort, model: Uint8Array, externalData: { path: string; data: Uint8Array }[], backend: Backend, file: string, source: AttentionSource,
    /** `executionProvider` overrides the backend's: the unit tests run this class on onnxruntime-node ('cpu'). */
    options: { executionProvider?: string } = {},
  ): Promise<AttentionRunner> {
    // Outputs stay on the CPU: every one of them is read.
    const session = await ort.InferenceSession.create(model, {
      executionProviders: [options.executionProvider ?? backend], graphOptimizationLevel: 'all', logSeverityLevel: SESSION_LOG_SEVERITY, externalData: externalData.length ? externalData : undefined,
    });
    try {
      return AttentionRunner.over(ort, session, file, source);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * Runs on a session built elsewhere (the lesson's decoder shares one with its KV-cache steps); the
   * caller releases it. Outputs it leaves on the GPU are read back by `getData`.
   */
  static over(ort: Ort, session: Ort.InferenceSession, file: string, source: AttentionSource): AttentionRunner {
    return new AttentionRunner(ort, session, file, source);
  }

  /** fp16 outputs (an fp16 export): WebGPU needs shader-f16 for it, as for a decoder. */
  get usesFloat16(): boolean {
    return sessionUsesFloat16(this.session);
  }

  private intTensor(name: string, values: number[]): Ort.Tensor {
    const meta = this.session.inputMetadata.find((m) => m.name === name);
    if (meta?.isTensor && meta.type === 'int32') return new this.ort.Tensor('int32', Int32Array.from(values), [1, values.length]);
    return new this.ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);
  }

  /** An empty KV-cache input: the declared shape with batch 1 and every other named dimension 0. */
  private emptyPast(name: string): Ort.Tensor {
    const meta = this.session.inputMetadata.find((m) => m.name === name);
    if (!meta?.isTensor) throw new ModelFormatError(this.file, `it declares no tensor shape for ${name}`);
    const dims = meta.shape.map((dim, i) => (i === 0 ? 1 : typeof dim === 'number' ? dim : 0));
    const type = meta.type === 'float16' ? 'float16' : 'float32';
    return new this.ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims);
  }

  private feeds(ids: number[]): Record<string, Ort.Tensor> {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const name of this.session.inputNames) {
      if (name === 'input_ids') feeds[name] = this.intTensor(name, ids);
      else if (name === 'attention_mask') feeds[name] = this.intTensor(name, ids.map(() => 1));
      else if (name === 'position_ids') feeds[name] = this.intTensor(name, ids.map((_, i) => i));
      else if (name === 'token_type_ids') feeds[name] = this.intTensor(name, ids.map(() => 0));
      else if (name.startsWith('past_key_values.')) feeds[name] = this.emptyPast(name);
      else if (name === 'use_cache_branch') feeds[name] = new this.ort.Tensor('bool', [false], [1]);
      // 0 keeps the logits of every position.
      else if (name === 'logits_to_keep' || name === 'num_logits_to_keep') feeds[name] = new this.ort.Tensor('int64', BigInt64Array.from([0n]), []);
      else throw new ModelFormatError(this.file, `it needs an input this panel cannot fill: ${name}`);
    }
    return feeds;
  }

  private async runFetching(ids: number[], names: string[]): Promise<Record<string, Ort.Tensor>> {
    return this.session.run(this.feeds(ids), names);
  }

  /** Logits of every position and the maps, in one pass (an encoder's predictions beside its maps). */
  async run(ids: number[]): Promise<FullPass> {
    const { logits, attention } = await this.pass(ids, true, true);
    return { ...logits!, attention };
  }

  /** Only the logits of every position: the maps are not fetched. */
  async logits(ids: number[]): Promise<{ logits: Float32Array; vocab: number }> {
    return (await this.pass(ids, true, false)).logits!;
  }

  /** Only the maps (null without any, and then nothing runs): the logits are not fetched. */
  async attention(ids: number[]): Promise<AttentionMaps | null> {
    if (!this.probsNames.length) return null;
    return (await this.pass(ids, false, true)).attention;
  }

  private async pass(ids: number[], wantLogits: boolean, wantAttention: boolean): Promise<{ logits: { logits: Float32Array; vocab: number } | null; attention: AttentionMaps | null }> {
    const probsNames = wantAttention ? this.probsNames : [];
    const outputs = await this.runFetching(ids, [...(wantLogits ? [this.logitsName] : []), ...probsNames]);
    try {
      let logits: { logits: Float32Array; vocab: number } | null = null;
      if (wantLogits) {
        const logitsTensor = outputs[this.logitsName];
        logits = { logits: await floats(logitsTensor), vocab: logitsTensor.dims[logitsTensor.dims.length - 1] };
      }
      if (!probsNames.length) return { logits, attention: null };
      const layers: Float32Array[][] = [];
      let heads = 0;
      const seq = ids.length;
      for (const name of probsNames) {
        const data = await floats(outputs[name]);
        heads = data.length / (seq * seq);
        const perHead: Float32Array[] = [];
        for (let h = 0; h < heads; h++) perHead.push(data.slice(h * seq * seq, (h + 1) * seq * seq));
        layers.push(perHead);
      }
      return { logits, attention: { seq, heads, layers } };
    } finally {
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  }

  /** The numbers inside one head for one token; only where the blocks' tensors were exposed. */
  async headInside(ids: number[], layer: number, head: number, token: number): Promise<HeadInside> {
    if (this.source.kind !== 'blocks') throw new ModelFormatError(this.file, 'its attention blocks were not found, so their Q, K and V cannot be read');
    const block = this.source.blocks[layer];
    if (!block) throw new ModelFormatError(this.file, `it has no attention layer ${layer}`);
    const names = [block.query, block.keyT, block.value, block.scores, block.probs, block.context];
    const outputs = await this.runFetching(ids, [...new Set(names)]);
    try {
      const [query, keyT, value, scores, probs, context] = await Promise.all(names.map((name) => floats(outputs[name])));
      return headInside({ query, keyT, value, scores, probs, context }, ids.length, head, token);
    } finally {
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
