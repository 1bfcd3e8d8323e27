/**
 * The guided explanations, in the order a lecture introduces them. Functions, not constants, so
 * each call reads the current language.
 */
import { msg } from '@lit/localize';

export type BlockId = 'embedding' | 'attention' | 'softmax' | 'mlp' | 'residual' | 'norm' | 'head';

export const LECTURE_ORDER: readonly BlockId[] = ['embedding', 'attention', 'softmax', 'mlp', 'residual', 'norm', 'head'];

export function blockTitle(id: BlockId): string {
  switch (id) {
    case 'embedding': return msg('Embedding');
    case 'attention': return msg('Self-attention');
    case 'softmax': return msg('Softmax');
    case 'mlp': return msg('MLP (feed-forward)');
    case 'residual': return msg('Residual connection');
    case 'norm': return msg('Normalization');
    case 'head': return msg('Output head');
  }
}

export function blockExplanation(id: BlockId): string {
  switch (id) {
    case 'embedding':
      return msg('Each token id selects one row of a learned table: a vector of hidden-size numbers. The decoder adds position by rotating queries and keys (RoPE); the encoder adds a learned position vector.');
    case 'attention':
      return msg('Every token makes a query, a key and a value. A query is compared with every key it is allowed to see; the result mixes the values. In the decoder the mask hides later tokens; in the encoder every token sees the whole sentence. Several heads do this in parallel.');
    case 'softmax':
      return msg('Softmax turns the query-key scores of one row into weights that are positive and sum to 1: the rows of the attention maps below. The same function turns the final scores into next-token probabilities.');
    case 'mlp':
      return msg('A two-layer network applied to each position on its own: widen, apply a non-linearity, narrow again. Most of the parameters live here.');
    case 'residual':
      return msg('Each sub-layer adds its result to its input instead of replacing it, so information and gradients flow straight through a deep stack.');
    case 'norm':
      return msg('Normalization rescales each vector before a sub-layer so the numbers stay in a stable range: RMSNorm in the decoder, LayerNorm in the encoder.');
    case 'head':
      return msg('The last vectors are compared with every vocabulary entry. The decoder reads only the last position: the next token. The encoder reads the masked positions: the missing tokens.');
  }
}

/** A model config's `masking` code (models/tl-bert|tl-ernie/config.json) as words; an unknown code as is. */
export function maskingLabel(code: string): string {
  switch (code) {
    case 'bert-random-token': return msg('pre-trained by masking single tokens at random (BERT)');
    case 'ernie-phrase-entity': return msg('pre-trained by masking whole phrases and entities (ERNIE)');
    default: return code;
  }
}
