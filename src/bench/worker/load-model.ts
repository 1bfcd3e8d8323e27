/**
 * The model a benchmark runs: a folder (embedded or any URL) downloaded like the chat does, or a
 * synthetic decoder built in memory. Either way: ONNX bytes, external data, the loop's config, and the
 * facts the bandwidth ceiling needs.
 */
import { fetchModelFiles } from '../../models/fetch-model';
import { modelNameFromUrl, resolveFolderUrl } from '../../core/model-url';
import { readDecoderConfig, type DecoderConfig } from '../../core/model-config';
import { buildGptDecoder } from './synthetic/gpt-graph';
import { bytesPerDecodeToken, isHalfPrecision, parameterCount, parseSyntheticSpec } from '../shared/synthetic-shapes';
import { EXTERNAL_DATA_FILE } from './synthetic/onnx-builder';
import type { ModelDescription } from '../shared/protocol';
import type { ModelSource } from '../shared/types';

export interface BenchModel {
  description: ModelDescription;
  onnx: Uint8Array;
  externalData: { path: string; data: Uint8Array }[];
  config: DecoderConfig;
}

export async function loadBenchModel(source: ModelSource, baseUrl: string, onDownload: (loadedBytes: number) => void): Promise<BenchModel> {
  if (source.kind === 'synthetic') {
    const spec = parseSyntheticSpec(source.spec);
    if (!spec) throw new Error(`unknown synthetic shape "${source.spec}"`);
    const built = buildGptDecoder(spec.shape, spec.weightType);
    const width = isHalfPrecision(spec.weightType) ? 2 : 4;
    return {
      description: {
        name: source.spec,
        source,
        parameters: parameterCount(spec.shape).total,
        weightBytesPerToken: bytesPerDecodeToken(spec.shape, spec.weightType, 0),
        kvBytesPerToken: 2 * spec.shape.layers * spec.shape.hidden * width,
        layers: spec.shape.layers,
        vocab: spec.shape.vocab,
        contextLength: spec.shape.contextLength,
        dtype: spec.weightType,
        weightBytes: built.model.length + built.externalData.length,
      },
      onnx: built.model,
      externalData: [{ path: EXTERNAL_DATA_FILE, data: built.externalData }],
      config: built.config,
    };
  }
  const folderUrl = resolveFolderUrl(source.url, baseUrl);
  const files = await fetchModelFiles(folderUrl, (_file, _loaded, _total, overall) => onDownload(overall));
  const config = readDecoderConfig(files.config, files.generationConfig, files.tokenizerConfig);
  const weightBytes = files.onnx.length + files.externalData.reduce((a, f) => a + f.data.length, 0);
  return {
    description: {
      name: modelNameFromUrl(folderUrl),
      source,
      // Without the weights' types, assume fp32: 4 bytes a parameter.
      parameters: Math.round(weightBytes / 4),
      // Every weight is read once per token, except the rows of an untied embedding table: a slight overestimate.
      weightBytesPerToken: weightBytes,
      kvBytesPerToken: 2 * config.numLayers * config.numKvHeads * config.headDim * 4,
      layers: config.numLayers,
      vocab: config.vocabSize,
      contextLength: config.contextLength,
      // The folder's onnx/model.onnx: its dtype is not in its name.
      dtype: null,
      weightBytes,
    },
    onnx: files.onnx,
    externalData: files.externalData,
    config,
  };
}
