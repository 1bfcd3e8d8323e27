/** A decoder graph run on native onnxruntime-node as the engine feeds it, to compare graphs' logits. */
import * as ort from 'onnxruntime-node';

/** Runs a graph on a growing cache, as the engine feeds it; returns every position's logits of each call. */
export async function stepper(onnx: Uint8Array, config: Record<string, number>) {
  const session = await ort.InferenceSession.create(onnx);
  const { num_hidden_layers: layers, num_key_value_heads: kvHeads, head_dim: headDim } = config;
  const i64 = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), [1, v.length]);
  let past: ort.Tensor[] = Array.from({ length: layers * 2 }, () => new ort.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]));
  let length = 0;
  return async (ids: number[]): Promise<Float32Array> => {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: i64(ids),
      attention_mask: i64(Array(length + ids.length).fill(1)),
      position_ids: i64(ids.map((_, i) => length + i)),
    };
    for (let l = 0; l < layers; l++) {
      feeds[`past_key_values.${l}.key`] = past[2 * l];
      feeds[`past_key_values.${l}.value`] = past[2 * l + 1];
    }
    const out = await session.run(feeds);
    past = Array.from({ length: layers * 2 }, (_, i) => out[`present.${i >> 1}.${i & 1 ? 'value' : 'key'}`]);
    length += ids.length;
    return out.logits.data as Float32Array;
  };
}
