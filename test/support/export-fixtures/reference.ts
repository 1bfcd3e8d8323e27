/**
 * Greedy references from native onnxruntime (onnxruntime-node), independent of the app's engine:
 * a plain prefill-then-one-token loop over the graph's own inputs, with the top-1 margin of every
 * step so a fixture whose margins are too thin to compare across runtimes is caught here.
 */
import * as ort from 'onnxruntime-node';

export interface GreedyReference {
  ids: number[];
  /** Per step: top-1 logit minus the runner-up's. */
  margins: number[];
}

function halfToFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function lastRow(tensor: ort.Tensor): Float32Array {
  const vocab = tensor.dims[tensor.dims.length - 1];
  const data = tensor.data as Float32Array | Uint16Array;
  const offset = data.length - vocab;
  const row = new Float32Array(vocab);
  for (let i = 0; i < vocab; i++) row[i] = data instanceof Uint16Array ? halfToFloat(data[offset + i]) : data[offset + i];
  return row;
}

export async function nativeGreedy(model: Uint8Array, externalData: { path: string; data: Uint8Array }[], promptIds: number[], newTokens: number): Promise<GreedyReference> {
  const session = await ort.InferenceSession.create(model, { externalData: externalData.length ? externalData : undefined, graphOptimizationLevel: 'all' });
  try {
    const pastNames = session.inputNames.filter((n) => n.startsWith('past_key_values.'));
    const halfCache = session.inputMetadata.some((m) => m.name === pastNames[0] && m.isTensor && m.type === 'float16');
    const kvShape = (name: string) => {
      const meta = session.inputMetadata.find((m) => m.name === name);
      return meta?.isTensor ? (meta.shape as (number | string)[]) : [];
    };
    let past: Record<string, ort.Tensor> = {};
    for (const name of pastNames) {
      const shape = kvShape(name);
      past[name] = new ort.Tensor(halfCache ? 'float16' : 'float32', halfCache ? new Uint16Array(0) : new Float32Array(0), [1, Number(shape[1]), 0, Number(shape[3])]);
    }
    const ids: number[] = [];
    const margins: number[] = [];
    let input = promptIds;
    let length = 0;
    for (let step = 0; step < newTokens; step++) {
      const total = length + input.length;
      const feeds: Record<string, ort.Tensor> = {
        ...past,
        input_ids: new ort.Tensor('int64', BigInt64Array.from(input, BigInt), [1, input.length]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
        position_ids: new ort.Tensor('int64', BigInt64Array.from(input, (_, i) => BigInt(length + i)), [1, input.length]),
      };
      const outputs = await session.run(feeds);
      const logits = lastRow(outputs.logits);
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
      let second = -Infinity;
      for (let i = 0; i < logits.length; i++) if (i !== best && logits[i] > second) second = logits[i];
      ids.push(best);
      margins.push(logits[best] - second);
      past = Object.fromEntries(pastNames.map((name) => [name, outputs[name.replace('past_key_values.', 'present.')]]));
      length = total;
      input = [best];
    }
    return { ids, margins };
  } finally {
    await session.release();
  }
}
