import { describe, expect, it } from 'vitest';
import { visibleToken } from '../../src/panels/architecture/visible-token';

describe('visibleToken', () => {
  it('shows newline, space, word mark and tab as symbols', () => {
    expect(visibleToken('\n')).toBe('↵');
    expect(visibleToken('\n\n')).toBe('↵↵');
    expect(visibleToken(' the')).toBe('·the');
    expect(visibleToken('\u2581the')).toBe('·the');
    expect(visibleToken('\t')).toBe('→');
    expect(visibleToken('  ')).toBe('··');
  });
  it('keeps byte-fallback pieces readable, the invisible bytes as symbols', () => {
    expect(visibleToken('<0xE6>')).toBe('<0xE6>');
    expect(visibleToken('<0x0A>')).toBe('↵');
    expect(visibleToken('<0x09>')).toBe('→');
  });
  it('leaves visible text alone, and an empty token is not blank', () => {
    expect(visibleToken('月')).toBe('月');
    expect(visibleToken('[MASK]')).toBe('[MASK]');
    expect(visibleToken('')).toBe('∅');
  });
});
