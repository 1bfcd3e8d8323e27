import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../src/engine/tokenizer';
import { StopStringFilter, TokenTextStream } from '../../src/engine/text-stream';
import { GPT2_TOKENIZER_DIR } from '../support/paths';

const REPLACEMENT = '\uFFFD';
const TEXT = '你好，世界！Transformer 很酷 🤖🚀';

let tokenizer: TextTokenizer;
const decode = (ids: number[]) => tokenizer.decode(ids);

beforeAll(() => {
  const json = JSON.parse(readFileSync(path.join(GPT2_TOKENIZER_DIR, 'tokenizer.json'), 'utf8')) as object;
  tokenizer = new TextTokenizer(json, {});
});

function streamAll(ids: number[], promptIds: number[] = []): string[] {
  const stream = new TokenTextStream(decode, promptIds);
  const chunks = ids.map((id) => stream.push(id));
  chunks.push(stream.flush());
  return chunks;
}

describe('TokenTextStream with the GPT-2 byte-level tokenizer', () => {
  it('the test text really splits characters across tokens', () => {
    const ids = tokenizer.encode(TEXT);
    expect(decode(ids)).toBe(TEXT);
    const broken = ids.filter((id) => decode([id]).includes(REPLACEMENT));
    // Most CJK characters and both emoji take several byte-level tokens each.
    expect(broken.length).toBeGreaterThan(5);
  });

  it('decoding an empty list of ids gives empty text (the stream does this before the first token)', () => {
    expect(decode([])).toBe('');
    const stream = new TokenTextStream(decode);
    expect(stream.flush()).toBe('');
  });

  it('never emits a replacement character and reassembles the exact text', () => {
    const ids = tokenizer.encode(TEXT);
    const chunks = streamAll(ids);
    for (const chunk of chunks) expect(chunk).not.toContain(REPLACEMENT);
    expect(chunks.join('')).toBe(decode(ids));
    // Text is released as soon as a character is complete, not only at the end.
    const nonEmpty = chunks.filter((c) => c.length > 0);
    expect(nonEmpty.length).toBeGreaterThan(5);
    expect(chunks[chunks.length - 1]).toBe('');
  });

  it('emits each emoji whole, in a single chunk', () => {
    const ids = tokenizer.encode('ok 🤖🚀 done');
    const chunks = streamAll(ids);
    expect(chunks.join('')).toBe('ok 🤖🚀 done');
    for (const chunk of chunks) {
      for (const ch of chunk) {
        const cp = ch.codePointAt(0)!;
        // No lone surrogates: iterating by code point gives whole characters only.
        expect(cp < 0xd800 || cp > 0xdfff).toBe(true);
      }
    }
    expect(chunks.some((c) => c.includes('🤖'))).toBe(true);
    expect(chunks.some((c) => c.includes('🚀'))).toBe(true);
  });

  it('with prompt context, the continuation keeps its leading space', () => {
    const promptIds = tokenizer.encode('The robot said');
    const generated = tokenizer.encode(' hello 世界 🤖 and goodbye');
    const chunks = streamAll(generated, promptIds);
    for (const chunk of chunks) expect(chunk).not.toContain(REPLACEMENT);
    const joined = chunks.join('');
    expect(joined).toBe(' hello 世界 🤖 and goodbye');
    expect(decode(promptIds) + joined).toBe(decode([...promptIds, ...generated]));
    expect(chunks[0].startsWith(' ')).toBe(true);
  });

  it('with a long multi-byte prompt, only the new text is emitted', () => {
    const promptIds = tokenizer.encode('用户：你好，世界！🤖 回答：');
    const generated = tokenizer.encode('很酷 🚀 yes');
    expect(promptIds.length).toBeGreaterThan(5);
    const chunks = streamAll(generated, promptIds);
    for (const chunk of chunks) expect(chunk).not.toContain(REPLACEMENT);
    expect(chunks.join('')).toBe('很酷 🚀 yes');
  });

  it('flush releases a dangling partial character at the end of generation', () => {
    const ids = tokenizer.encode('a🤖');
    const partial = ids.slice(0, -1); // the emoji is cut short
    const stream = new TokenTextStream(decode);
    const shown = partial.map((id) => stream.push(id)).join('');
    expect(shown).toBe('a');
    const rest = stream.flush();
    expect(rest).toContain(REPLACEMENT);
    expect(shown + rest).toBe(decode(partial));
  });
});

describe('StopStringFilter', () => {
  function feed(filter: StopStringFilter, chunks: string[]): string[] {
    return chunks.map((c) => filter.push(c));
  }

  it('a stop string split across chunks is never shown; text before it is', () => {
    const filter = new StopStringFilter(['</s>']);
    const out = feed(filter, ['Hello', ' world<', '/', 's', '> more']);
    expect(out.join('') + filter.flush()).toBe('Hello world');
    for (const chunk of out) {
      expect(chunk).not.toContain('<');
    }
    expect(filter.hasStopped).toBe(true);
  });

  it('shows text up to the stop string at once, and nothing after stopping', () => {
    const filter = new StopStringFilter(['User:']);
    expect(filter.push('Sure! User: hi')).toBe('Sure! ');
    expect(filter.hasStopped).toBe(true);
    expect(filter.push('more text')).toBe('');
    expect(filter.flush()).toBe('');
  });

  it('holds back a possible prefix and releases it when it turns out not to be a stop string', () => {
    const filter = new StopStringFilter(['STOP']);
    expect(filter.push('go ST')).toBe('go ');
    expect(filter.push('O')).toBe('');
    expect(filter.push('RM')).toBe('STORM');
    expect(filter.hasStopped).toBe(false);
  });

  it('releases a held-back prefix on flush at the end of generation', () => {
    const filter = new StopStringFilter(['\n\nUser']);
    expect(filter.push('answer\n\nUs')).toBe('answer');
    expect(filter.flush()).toBe('\n\nUs');
    expect(filter.hasStopped).toBe(false);
  });

  it('the earliest of several stop strings wins', () => {
    const filter = new StopStringFilter(['END', 'B']);
    expect(filter.push('aaa B ccc END')).toBe('aaa ');
    const other = new StopStringFilter(['B', 'END']);
    expect(other.push('aaa END ccc B')).toBe('aaa ');
  });

  it('earliest stop string wins even when completed in a later chunk', () => {
    const filter = new StopStringFilter(['xyz', 'yz!']);
    const out = feed(filter, ['abc x', 'y', 'z!']);
    expect(out.join('')).toBe('abc ');
  });

  it('without stop strings passes everything through unchanged', () => {
    const filter = new StopStringFilter([]);
    expect(feed(filter, ['a', 'b<', '/s>'])).toEqual(['a', 'b<', '/s>']);
    expect(filter.flush()).toBe('');
  });

  it('works on the output of the token stream (multi-byte stop string)', () => {
    const ids = tokenizer.encode('答案是 42。🤖结束 after');
    const stream = new TokenTextStream(decode);
    const filter = new StopStringFilter(['🤖']);
    let shown = '';
    for (const id of ids) {
      shown += filter.push(stream.push(id));
      if (filter.hasStopped) break;
    }
    if (!filter.hasStopped) shown += filter.push(stream.flush()) + filter.flush();
    expect(filter.hasStopped).toBe(true);
    expect(shown).toBe('答案是 42。');
  });
});
