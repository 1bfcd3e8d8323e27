/**
 * Runs a graph that exports its attention probabilities (`attentions.{layer}`, [batch, heads, seq,
 * seq]) over a whole sequence, without a cache: the decoder's `model_attentions.onnx` and the
 * encoders' `model.onnx`. Feeds are built from the inputs the graph declares.
 */
import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../../core/protocol';
import type { AttentionMaps } from '../../core/analysis-protocol';
import { ModelFormatError } from '../../core/errors';

type Ort = typeof Ort;

export interface FullPass {
  /** Logits of every position, row-major `seq × vocab`. */
  logits: Float32Array;
  vocab: number;
  attention: AttentionMaps;
}

export class AttentionRunner {
  private readonly attentionNames: string[];

  private constructor(
    private readonly ort: Ort,
    private readonly session: Ort.InferenceSession,
    private readonly file: string,
  ) {
    this.attentionNames = session.outputNames
      .filter((name) => /^attentions\.\d+$/.test(name))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    if (!session.outputNames.includes('logits')) throw new ModelFormatError(file, 'it has no logits output');
    if (!this.attentionNames.length) throw new ModelFormatError(file, 'it exports no attentions.{layer} outputs');
  }

  static async create(ort: Ort, model: Uint8Array, backend: Backend, file: string): Promise<AttentionRunner> {
    // Outputs stay on the CPU: every one of them is read.
    const session = await ort.InferenceSession.create(model, { executionProviders: [backend], graphOptimizationLevel: 'all' });
    try {
      return new AttentionRunner(ort, session, file);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  private intTensor(name: string, values: number[]): Ort.Tensor {
    const meta = this.session.inputMetadata.find((m) => m.name === name);
    if (meta?.isTensor && meta.type === 'int32') return new this.ort.Tensor('int32', Int32Array.from(values), [1, values.length]);
    return new this.ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);
  }

  async run(ids: number[]): Promise<FullPass> {
    const feeds: Record<string, Ort.Tensor> = {};
    for (const name of this.session.inputNames) {
      if (name === 'input_ids') feeds[name] = this.intTensor(name, ids);
      else if (name === 'attention_mask') feeds[name] = this.intTensor(name, ids.map(() => 1));
      else if (name === 'position_ids') feeds[name] = this.intTensor(name, ids.map((_, i) => i));
      else if (name === 'token_type_ids') feeds[name] = this.intTensor(name, ids.map(() => 0));
      else throw new ModelFormatError(this.file, `it needs an input this panel cannot fill: ${name}`);
    }
    const outputs = await this.session.run(feeds);
    try {
      const logitsTensor = outputs.logits;
      const vocab = logitsTensor.dims[logitsTensor.dims.length - 1];
      const logits = Float32Array.from((await logitsTensor.getData()) as Float32Array);
      const layers: Float32Array[][] = [];
      let heads = 0;
      const seq = ids.length;
      for (const name of this.attentionNames) {
        const tensor = outputs[name];
        heads = tensor.dims[1];
        const data = (await tensor.getData()) as Float32Array;
        const perHead: Float32Array[] = [];
        for (let h = 0; h < heads; h++) perHead.push(Float32Array.from(data.subarray(h * seq * seq, (h + 1) * seq * seq)));
        layers.push(perHead);
      }
      return { logits, vocab, attention: { seq, heads, layers } };
    } finally {
      for (const tensor of Object.values(outputs)) tensor.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
