import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../src/engine/tokenizer';
import { GPT2_TOKENIZER_DIR } from '../support/paths';

const tokenizerJson = JSON.parse(readFileSync(path.join(GPT2_TOKENIZER_DIR, 'tokenizer.json'), 'utf8')) as object;

// A ChatML template of the kind Qwen and SmolLM ship, written out here so the expected prompt is known.
const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

describe('TextTokenizer conversations', () => {
  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Hi' },
    { role: 'assistant' as const, content: 'Hello.' },
    { role: 'user' as const, content: '你好' },
  ];

  it('applies the chat template to every turn and ends with the generation prompt', () => {
    const tokenizer = new TextTokenizer(tokenizerJson, { chat_template: CHATML });
    expect(tokenizer.hasChatTemplate).toBe(true);
    const ids = tokenizer.encodeConversation(messages);
    const expected =
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n' +
      '<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n';
    expect(tokenizer.decode(ids, false)).toBe(expected);
    expect(ids).toEqual(tokenizer.encode(expected, false));
  });

  it('uses the template named "default" when a tokenizer ships several', () => {
    const tokenizer = new TextTokenizer(tokenizerJson, {
      chat_template: [
        { name: 'tool_use', template: 'TOOLS' },
        { name: 'default', template: CHATML },
      ],
    });
    expect(tokenizer.decode(tokenizer.encodeConversation(messages.slice(1, 2)), false)).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });

  it('passes the special tokens to the template (bos_token as a string or an added-token object)', () => {
    const tokenizer = new TextTokenizer(tokenizerJson, {
      chat_template: "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{{ eos_token }}{% endfor %}",
      bos_token: { content: '<|endoftext|>' },
      eos_token: '<|endoftext|>',
    });
    expect(tokenizer.decode(tokenizer.encodeConversation(messages.slice(1, 2)), false)).toBe('<|endoftext|>Hi<|endoftext|>');
  });

  it('without a template continues the conversation as one plain text, system prompt left out', () => {
    const tokenizer = new TextTokenizer(tokenizerJson, {});
    expect(tokenizer.hasChatTemplate).toBe(false);
    const ids = tokenizer.encodeConversation(messages);
    expect(tokenizer.decode(ids)).toBe('HiHello.你好');
  });
});
