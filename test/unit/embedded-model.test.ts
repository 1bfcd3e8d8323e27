import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PARAMETERS, formatParameters, isDefaultModel, parameterCountFromCard } from '../../src/panels/chat/embedded-model';

/** Parameters of a Llama decoder with tied embeddings and no biases, from its config.json. */
function llamaParameters(c: Record<string, number>): number {
  const kv = c.num_key_value_heads * c.head_dim;
  const attention = c.hidden_size * c.num_attention_heads * c.head_dim * 2 + c.hidden_size * kv * 2;
  const mlp = 3 * c.hidden_size * c.intermediate_size;
  return c.num_hidden_layers * (attention + mlp + 2 * c.hidden_size) + c.vocab_size * c.hidden_size + c.hidden_size;
}

describe('the embedded model note', () => {
  it('states the parameter count of the model card, which matches the shipped config', () => {
    const config = JSON.parse(readFileSync('models/tl-gpt/config.json', 'utf8')) as Record<string, number>;
    expect(DEFAULT_MODEL_PARAMETERS).toBe(llamaParameters(config));
    expect(formatParameters(DEFAULT_MODEL_PARAMETERS!)).toBe('1.3M');
  });

  it('reads the card row and formats sizes as models are named', () => {
    expect(parameterCountFromCard('| parameters | 760,064 (fp32) |')).toBe(760064);
    expect(parameterCountFromCard('no table')).toBeNull();
    expect(formatParameters(494_032_768)).toBe('490M');
    expect(formatParameters(1_235_814_400)).toBe('1.2B');
  });

  it('knows the default model by its folder URL', () => {
    // Vitest's base URL is "/"; the built app's is "./", resolved against the page.
    expect(isDefaultModel('https://host/models/tl-gpt/', 'https://host/?model=tl-gpt')).toBe(true);
    expect(isDefaultModel('https://host/models/tl-bert/', 'https://host/')).toBe(false);
    expect(isDefaultModel('https://hub.example/a/b/resolve/main/', 'https://host/')).toBe(false);
  });
});
