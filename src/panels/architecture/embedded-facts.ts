/**
 * The embedded encoders' lesson data, read at build time from the models' own files (one place for
 * each fact): the default sentence of each language, with the token the masked-token demo hides
 * and the phrase the ERNIE-vs-BERT section masks (recorded, with both models' expected predictions,
 * in models/tl-bert|tl-ernie/reference.json and checked by test/unit/encoder-demo.test.ts), and each
 * encoder's held-out accuracy as models/train/eval_encoders.py measured it; tl-gpt's training tokens.
 * The measured figures go with the embedded model a slot runs (analysis-session.ts), never with a
 * name: a model the lecturer loads has none of them, whatever its folder is called.
 */
import { demo } from '../../../models/tl-bert/reference.json';
import metrics from '../../../models/train/metrics.json';
import type { AnalysisModelInfo } from '../../core/analysis-protocol';
import type { Locale } from '../../i18n/locale';
import { embeddedModelIn } from './analysis-session';
import type { Span } from './masking-units';

const encoderEval = metrics.encoder_eval;
/** The training log of each model trained as a language model, under its id (`tl-gpt`). */
const trainingLogs = metrics as unknown as Record<string, { tokens_seen?: number } | undefined>;

export interface DemoSentence {
  text: string;
  /** Positions (in the encoder's ids, [CLS] = 0) the masked-token demo hides. */
  maskPositions: number[];
  /** The phrase the ERNIE-vs-BERT section masks. */
  phrase: Span;
}

export function demoSentence(locale: Locale): DemoSentence {
  const d = locale === 'zh-Hans' ? demo.zh : demo.en;
  return { text: d.text, maskPositions: d.mask_positions, phrase: d.phrase };
}

/** The demo sentence of the language first, then the other examples of that language. */
export function sampleSentences(locale: Locale): string[] {
  const own = demoSentence(locale).text;
  return locale === 'zh-Hans' ? [own, '举头望明月，低头思故乡。', '床前明月光，疑是地上霜。'] : [own, 'As Mark Twain said, the report of my death was an exaggeration.', 'The best way to'];
}

/** Every language's samples: a sentence among them was not typed by the lecturer. */
export function isSample(text: string): boolean {
  return (['en', 'zh-Hans'] as const).some((l) => sampleSentences(l).includes(text));
}

export interface HeldOutAccuracy {
  /** Share of single masked tokens predicted exactly (top-1), all held-out text. */
  singleToken: number;
  /** Share of whole masked phrases/entities recovered exactly, all tokens of the phrase right. */
  wholePhrase: number;
}

/** The measured held-out accuracy of `model` when it is an embedded encoder; null for any other model. */
export function heldOutAccuracy(model: AnalysisModelInfo): HeldOutAccuracy | null {
  // eval_encoders.py records each embedded encoder under the slot it is the twin for.
  const slot = model.slot;
  if (slot === 'decoder' || !embeddedModelIn(slot)) return null;
  return { singleToken: encoderEval.single_token_masking[slot].all.token_accuracy, wholePhrase: encoderEval.whole_phrase_masking[slot].all.unit_exact_match };
}

/** Tokens `model` was trained on when it is the embedded decoder (processed, as the GPT-3 paper counts them); null for any other model. */
export function trainingTokens(model: AnalysisModelInfo): number | null {
  const embedded = embeddedModelIn(model.slot);
  return (embedded && trainingLogs[embedded.id]?.tokens_seen) ?? null;
}
