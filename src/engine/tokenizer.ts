/**
 * Tokenizer glue: the Hugging Face tokenizer and its chat template, loaded from the JSON files of a
 * model folder (fetched by us, because tokenizers cannot be loaded from arbitrary URLs directly).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';
import type { ChatMessage } from '../core/protocol';
import { ChatTemplateError } from '../core/errors';

type TokenizerConfig = Record<string, unknown>;

function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly template: Template | null;
  private readonly specialTokens: Record<string, string>;

  constructor(tokenizerJson: object, config: TokenizerConfig) {
    this.tokenizer = new Tokenizer(tokenizerJson, config);
    const source = config.chat_template;
    // Some tokenizers ship several named templates; the one called "default" is the chat one.
    const templateText = Array.isArray(source)
      ? (source as { name: string; template: string }[]).find((t) => t.name === 'default')?.template
      : typeof source === 'string'
        ? source
        : undefined;
    this.template = templateText ? new Template(templateText) : null;
    this.specialTokens = {};
    for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token', 'mask_token', 'cls_token', 'sep_token']) {
      const text = tokenText(config[key]);
      if (text !== undefined) this.specialTokens[key] = text;
    }
  }

  get hasChatTemplate(): boolean {
    return this.template !== null;
  }

  get vocabSize(): number {
    return this.tokenizer.get_vocab(true).size;
  }

  encode(text: string, addSpecialTokens = true): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  decode(ids: number[], skipSpecialTokens = true): string {
    // The library throws on an empty list; the streaming decoder asks for one before the first token.
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens });
  }

  tokenToString(id: number): string {
    return this.tokenizer.id_to_token(id) ?? `<${id}>`;
  }

  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /**
   * Prompt ids for a conversation. With a chat template, the template decides every special token
   * (so none are added on top). Without one, the model is a plain language model and continues the
   * conversation's text as one document.
   */
  encodeConversation(messages: readonly ChatMessage[]): number[] {
    if (this.template) {
      let prompt: string;
      try {
        prompt = this.template.render({
          messages,
          add_generation_prompt: true,
          ...this.specialTokens,
        });
      } catch (error) {
        // Templates refuse conversations they cannot format with raise_exception("…"): name that, quoting it.
        throw new ChatTemplateError((error as Error)?.message ?? String(error));
      }
      return this.encode(prompt, false);
    }
    const text = messages
      .filter((m) => m.role !== 'system')
      .map((m) => m.content)
      .join('');
    return this.encode(text, true);
  }
}
