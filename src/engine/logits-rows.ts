/** Reading a step's logits back to the CPU, whole rows (the GPU pick and draw read less: gpu-pick.ts, gpu-sampler.ts). */
import type * as Ort from 'onnxruntime-web';
import { fromFloat16Bits as float16ToFloat32 } from './graph/float16';

/**
 * The logits of the last `rows` positions, whatever logits_to_keep did. getData() hands over a copy
 * out of the runtime's memory (CPU) or a fresh download (GPU): views of it are the caller's to change.
 */
export async function lastRows(logitsTensor: Ort.Tensor, rows: number): Promise<Float32Array[]> {
  const vocab = logitsTensor.dims[logitsTensor.dims.length - 1];
  const data = await logitsTensor.getData();
  const start = data.length - rows * vocab;
  const out: Float32Array[] = [];
  for (let row = 0; row < rows; row++) {
    const offset = start + row * vocab;
    if (data instanceof Float32Array) {
      out.push(data.subarray(offset, offset + vocab));
      continue;
    }
    const values = new Float32Array(vocab);
    if (data instanceof Uint16Array) {
      // fp16 logits arrive as raw bits where the browser has no Float16Array.
      for (let i = 0; i < vocab; i++) values[i] = float16ToFloat32(data[offset + i]);
    } else {
      const numbers = data as unknown as ArrayLike<number>;
      for (let i = 0; i < vocab; i++) values[i] = Number(numbers[offset + i]);
    }
    out.push(values);
  }
  return out;
}
