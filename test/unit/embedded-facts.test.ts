/**
 * The lesson's measured figures (held-out accuracy, training tokens) belong to the embedded models a
 * slot runs, never to a name: a model the lecturer loads from a folder called "tl-bert" has none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import metrics from '../../models/train/metrics.json';
import type { AnalysisModelInfo, ModelSlot } from '../../src/core/analysis-protocol';
import { chooseSlotModel } from '../../src/panels/architecture/analysis-session';
import { heldOutAccuracy, trainingTokens } from '../../src/panels/architecture/embedded-facts';

const info = (slot: ModelSlot, name: string) => ({ slot, name }) as AnalysisModelInfo;

describe('embedded facts', () => {
  afterEach(() => {
    for (const slot of ['decoder', 'bert', 'ernie'] as const) chooseSlotModel(slot, null);
  });

  it('gives each embedded encoder its own measured accuracy, and the embedded decoder its training tokens', () => {
    expect(heldOutAccuracy(info('bert', 'tl-bert'))).toEqual({
      singleToken: metrics.encoder_eval.single_token_masking.bert.all.token_accuracy,
      wholePhrase: metrics.encoder_eval.whole_phrase_masking.bert.all.unit_exact_match,
    });
    expect(heldOutAccuracy(info('ernie', 'tl-ernie'))?.wholePhrase).toBe(metrics.encoder_eval.whole_phrase_masking.ernie.all.unit_exact_match);
    expect(heldOutAccuracy(info('ernie', 'tl-ernie'))?.wholePhrase).not.toBe(heldOutAccuracy(info('bert', 'tl-bert'))?.wholePhrase);
    expect(trainingTokens(info('decoder', 'tl-gpt'))).toBe(metrics['tl-gpt'].tokens_seen);
    expect(heldOutAccuracy(info('decoder', 'tl-gpt'))).toBeNull();
  });

  it('gives a chosen model none of them, even one whose folder has an embedded model’s name', () => {
    chooseSlotModel('bert', { folderUrl: 'https://example.org/tl-bert/', onnxFile: 'onnx/model.onnx' });
    chooseSlotModel('decoder', { folderUrl: 'https://example.org/tl-gpt/', onnxFile: 'onnx/model.onnx' });
    expect(heldOutAccuracy(info('bert', 'tl-bert'))).toBeNull();
    expect(trainingTokens(info('decoder', 'tl-gpt'))).toBeNull();
    expect(heldOutAccuracy(info('ernie', 'tl-ernie'))).not.toBeNull();
  });
});
