/**
 * Reads the architecture numbers the panel draws from a model's config.json. Llama-style decoders
 * and BERT-style encoders spell them differently; both are handled, nothing is assumed.
 */
import type { ArchSummary } from '../../core/analysis-protocol';

function num(config: Record<string, unknown>, keys: string[], fallback: number): number {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return fallback;
}

const ENCODER_TYPES = new Set(['bert', 'ernie', 'roberta', 'distilbert', 'albert', 'electra', 'xlm-roberta']);

/** Config keys only a model with rotary positions has (transformers writes rope_theta for every such model). */
const ROTARY_KEYS = ['rope_theta', 'rope_scaling', 'rotary_dim', 'rotary_emb_base', 'partial_rotary_factor'];

export function readArchSummary(config: Record<string, unknown>): ArchSummary {
  const modelType = typeof config.model_type === 'string' ? config.model_type : 'unknown';
  const architectures = Array.isArray(config.architectures) ? config.architectures.join(' ') : '';
  const architecture = ENCODER_TYPES.has(modelType) || /MaskedLM|ForMaskedLM|Encoder/.test(architectures) ? 'encoder' : 'decoder';
  const heads = num(config, ['num_attention_heads', 'n_head'], 1);
  const hidden = num(config, ['hidden_size', 'n_embd', 'd_model'], 0);
  return {
    modelType,
    architecture,
    layers: num(config, ['num_hidden_layers', 'n_layer'], 0),
    heads,
    kvHeads: num(config, ['num_key_value_heads'], heads),
    hidden,
    intermediate: num(config, ['intermediate_size', 'n_inner'], 4 * hidden),
    vocab: num(config, ['vocab_size'], 0),
    contextLength: num(config, ['max_position_embeddings', 'n_positions', 'n_ctx'], 0),
    norm: 'rms_norm_eps' in config ? 'RMSNorm' : 'LayerNorm',
    // Read from the config's own rotary settings, whatever the model is called.
    positions: ROTARY_KEYS.some((key) => key in config) || config.position_embedding_type === 'rotary' ? 'rotary' : 'learned',
    activation: typeof config.hidden_act === 'string' ? config.hidden_act : typeof config.activation_function === 'string' ? config.activation_function : '?',
    tiedEmbeddings: config.tie_word_embeddings !== false,
    masking: architecture === 'encoder' ? (typeof config.masking === 'string' ? config.masking : null) : null,
  };
}
