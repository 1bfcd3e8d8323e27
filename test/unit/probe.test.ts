/**
 * Sizes per dtype before any download: every transformers.js dtype file the repo has is offered,
 * with its external data (one `_data` file or split `_data`, `_data_1`, …) counted in its size.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { probeModel } from '../../src/models/probe';

const FOLDER = 'https://hub.example/org/model/resolve/main/';

/** A Hub stand-in: config.json by GET, sizes by HEAD (X-Linked-Size, as the Hub sends for LFS files), 404 otherwise. */
function stubHub(config: object, sizes: Record<string, number>): string[] {
  const heads: string[] = [];
  vi.stubGlobal('fetch', async (input: URL | string, init?: RequestInit) => {
    const file = String(input).slice(FOLDER.length);
    if (file === 'config.json') return new Response(JSON.stringify(config), { status: 200 });
    if (init?.method === 'HEAD') heads.push(file);
    if (!(file in sizes)) return new Response(null, { status: 404 });
    return new Response(null, { status: 200, headers: { 'x-linked-size': String(sizes[file]) } });
  });
  return heads;
}

afterEach(() => vi.unstubAllGlobals());

describe('probeModel', () => {
  it('offers each dtype file the repo has, with its external data, split or not, in its size', async () => {
    const config = { 'transformers.js_config': { use_external_data_format: { 'model.onnx': 3, 'model_q4f16.onnx': true } } };
    stubHub(config, {
      'onnx/model.onnx': 1_000,
      'onnx/model.onnx_data': 2_000_000_000,
      'onnx/model.onnx_data_1': 2_000_000_000,
      'onnx/model.onnx_data_2': 500,
      'onnx/model_quantized.onnx': 700_000,
      'onnx/model_int8.onnx': 710_000,
      'onnx/model_bnb4.onnx': 400_000,
      'onnx/model_q4f16.onnx': 2_000,
      'onnx/model_q4f16.onnx_data': 300_000,
    });
    const probe = await probeModel(FOLDER, null);
    expect(probe.dtypes.map((d) => [d.dtype, d.file, d.bytes])).toEqual([
      ['fp32', 'onnx/model.onnx', 4_000_001_500],
      ['q8', 'onnx/model_quantized.onnx', 700_000],
      ['int8', 'onnx/model_int8.onnx', 710_000],
      ['bnb4', 'onnx/model_bnb4.onnx', 400_000],
      ['q4f16', 'onnx/model_q4f16.onnx', 302_000],
    ]);
  });

  it('offers a repo with only model_q4.onnx as q4 alone', async () => {
    stubHub({}, { 'onnx/model_q4.onnx': 123_456 });
    const probe = await probeModel(FOLDER, null);
    expect(probe.dtypes).toEqual([{ dtype: 'q4', file: 'onnx/model_q4.onnx', bytes: 123_456, cached: false }]);
  });
});
