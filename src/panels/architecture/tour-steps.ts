/**
 * The guided tour's steps, in the order a lecture takes them: what a token is, the next token,
 * sampling, the two masks, attention, inside one head, the KV cache, masked LM, ERNIE vs BERT, and
 * scale. Each step names the live element it points at (a path of selectors, one per shadow root,
 * from the panel's) and the presentation slide that shows it.
 */
import { msg } from '@lit/localize';
import type { SectionId, SlidePart } from './slides';

export interface TourStep {
  id: string;
  section: SectionId;
  part?: SlidePart;
  /** Selectors from the panel's shadow root down: each after the first runs in the previous match's shadow root. */
  target: string[];
  title: () => string;
  text: () => string;
}

const DECODER_HEAD = '#sec-attention .part[data-part=decoder] tl-head-inside';

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'two-models', section: 'transformer', part: 'numbers', target: ['tl-arch-diagram'],
    title: () => msg('Two models from one design'),
    text: () => msg('Both columns are real models running in this page: a GPT-style decoder and a BERT-style encoder. They share the same blocks (attention, feed-forward, normalisation); what differs is what each token may look at, and what each was trained to do.'),
  },
  {
    id: 'tokens', section: 'tasks', part: 'decoder', target: ['tl-next-token', '[data-testid=generated-text]'],
    title: () => msg('What a token is'),
    text: () => msg('A model never sees letters or words: the tokenizer cuts the sentence into tokens from a fixed vocabulary, underlined here one by one. Common words are one token; rare ones are cut into pieces.'),
  },
  {
    id: 'next-token', section: 'tasks', part: 'decoder', target: ['tl-next-token', '[data-testid=next-token-bars]'],
    title: () => msg('The next token'),
    text: () => msg('For the sentence so far, the decoder gives every token of its vocabulary a probability of coming next. These bars are the most likely ones. Press N to add one and see the distribution for the token after it.'),
  },
  {
    id: 'sampling', section: 'tasks', part: 'sampling', target: ['tl-sampling-playground'],
    title: () => msg('Sampling: choosing from the distribution'),
    text: () => msg('The chat does not always take the top bar. Temperature flattens or sharpens the distribution, top-k and top-p cut off the unlikely tail, and the repetition penalty lowers tokens already used. Move the sliders, then sample 100 times.'),
  },
  {
    id: 'causal-mask', section: 'masks', part: 'decoder', target: ['#sec-masks .part[data-part=decoder] tl-mask-grid'],
    title: () => msg('The decoder’s causal mask'),
    text: () => msg('Each row is a token, each column a token it may look at. A decoder’s token sees only itself and the tokens before it: the empty triangle is the future, hidden while it learns to predict it.'),
  },
  {
    id: 'full-mask', section: 'masks', part: 'encoder', target: ['#sec-masks .part[data-part=encoder] tl-mask-grid'],
    title: () => msg('The encoder sees both ways'),
    text: () => msg('An encoder’s token sees every token of the sentence, before and after it. That helps it understand a sentence, but it cannot write one token at a time: the next word would already be visible.'),
  },
  {
    id: 'attention', section: 'attention', part: 'decoder-map', target: [DECODER_HEAD],
    title: () => msg('Live attention'),
    text: () => msg('Attention is the mask filled in with weights: how much each token takes from each other one, in one head of one layer. Pick other layers and heads: each head learns its own pattern, and nothing is ever above the decoder’s diagonal.'),
  },
  {
    id: 'inside-head', section: 'attention', part: 'decoder-inside', target: [DECODER_HEAD, '.inside'],
    title: () => msg('Inside one head'),
    text: () => msg('One query token’s arithmetic: its query times every key gives a score, scaled by 1/√d; the mask sets the future to −∞; the softmax turns the scores into weights; the weighted sum of the values is what the head passes on.'),
  },
  {
    id: 'kv-cache', section: 'kv', target: ['tl-kv-cache-view'],
    title: () => msg('Why generating is fast: the KV cache'),
    text: () => msg('Because a decoder’s earlier tokens never see later ones, their keys and values never change. They are kept, so each new token costs one step, not a pass over the whole text. Press N on the next-token slide and watch the cache grow.'),
  },
  {
    id: 'masked-lm', section: 'tasks', part: 'encoder', target: ['tl-masked-lm'],
    title: () => msg('The encoder’s task: fill in the blanks'),
    text: () => msg('An encoder is trained by hiding tokens behind [MASK] and guessing them from both sides. Click tokens to mask them and read its guesses.'),
  },
  {
    id: 'ernie-bert', section: 'ernie', part: 'compare', target: ['tl-ernie-bert'],
    title: () => msg('ERNIE vs BERT: masking whole phrases'),
    text: () => msg('BERT hides single tokens, so a word can often be guessed from its own other half. ERNIE hides whole words and phrases, so it has to learn from the context. Compare how both do on the same masked span.'),
  },
  {
    id: 'scale', section: 'scale', part: 'chart', target: ['tl-scale-view'],
    title: () => msg('Scale'),
    text: () => msg('The models here have about a million parameters. The same designs, trained on far more text with thousands of times more parameters, are the GPT, BERT and ERNIE models of the papers charted here.'),
  },
];

/** The live element a step points at, through the components' shadow roots; null until it is drawn. */
export function findTarget(root: ShadowRoot | Element, step: TourStep): HTMLElement | null {
  let scope: ShadowRoot | Element = root;
  let found: Element | null = null;
  for (const selector of step.target) {
    found = scope.querySelector(selector);
    if (!found) return null;
    scope = found.shadowRoot ?? found;
  }
  return found as HTMLElement | null;
}

/** A step from the URL's 1-based `architecture_tour`, or null for none or nonsense. */
export function tourStepFromUrl(search: string): number | null {
  const raw = new URLSearchParams(search).get(TOUR_PARAM);
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  const step = Number(raw) - 1;
  return step >= 0 && step < TOUR_STEPS.length ? step : null;
}

/** The URL parameter of the step shown (a panel's own parameter: `<panel id>_…`, kept by the app). */
export const TOUR_PARAM = 'architecture_tour';
