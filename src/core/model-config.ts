/**
 * What the generation loop needs to know about a decoder, read from its config.json. Exports name
 * the same facts differently (Llama, GPT-2, Qwen, Phi...), so each fact has a list of spellings.
 */

export interface DecoderConfig {
  numLayers: number;
  numKvHeads: number;
  headDim: number;
  vocabSize: number;
  contextLength: number;
  eosIds: number[];
}

function firstNumber(config: Record<string, unknown>, keys: string[]): number | undefined {
  for (const key of keys) {
    const value = config[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

function idList(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.filter((v): v is number => typeof v === 'number');
  return [];
}

export function readDecoderConfig(
  config: Record<string, unknown>,
  generationConfig: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown>,
): DecoderConfig {
  // Multimodal exports nest the language model's config.
  const text = (config.text_config as Record<string, unknown> | undefined) ?? config;
  const numLayers = firstNumber(text, ['num_hidden_layers', 'n_layer', 'num_layers']) ?? 0;
  const numHeads = firstNumber(text, ['num_attention_heads', 'n_head', 'num_heads']) ?? 1;
  const numKvHeads = firstNumber(text, ['num_key_value_heads', 'multi_query_group_num']) ?? numHeads;
  const hidden = firstNumber(text, ['hidden_size', 'n_embd', 'd_model']) ?? 0;
  const headDim = firstNumber(text, ['head_dim']) ?? Math.floor(hidden / numHeads);
  const vocabSize = firstNumber(text, ['vocab_size']) ?? 0;
  const contextLength =
    firstNumber(text, ['max_position_embeddings', 'n_positions', 'n_ctx', 'max_sequence_length', 'seq_length']) ??
    firstNumber(tokenizerConfig, ['model_max_length']) ??
    2048;
  const eosIds = [...new Set([...idList(generationConfig.eos_token_id), ...idList(text.eos_token_id)])];
  return { numLayers, numKvHeads, headDim, vocabSize, contextLength, eosIds };
}
