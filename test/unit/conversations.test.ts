import { describe, expect, it } from 'vitest';
import {
  ConversationsFormatError, conversationTitle, exportConversations, importConversations, loadConversations, loadDraft, messagesForModel,
  newConversation, saveConversations, saveDraft,
} from '../../src/panels/chat/conversations-store';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

const chat = { ...newConversation(1), system: 'Be brief.', messages: [{ role: 'user' as const, content: 'Hi there' }, { role: 'assistant' as const, content: 'Hello.' }] };

describe('conversations', () => {
  it('puts the system prompt first, and leaves it out when empty', () => {
    expect(messagesForModel(chat, [{ role: 'user', content: 'Next' }])).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi there' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Next' },
    ]);
    expect(messagesForModel({ system: '  ', messages: [] })).toEqual([]);
  });

  it('survive a save and load, with the active one and the draft', () => {
    const storage = memoryStorage();
    const other = newConversation(2);
    expect(saveConversations({ activeId: chat.id, conversations: [other, chat] }, storage)).toBe(true);
    expect(loadConversations(storage)).toEqual({ activeId: chat.id, conversations: [other, chat] });
    saveDraft('half a thought', storage);
    expect(loadDraft(storage)).toBe('half a thought');
  });

  it('start fresh from damaged storage and report a refused save', () => {
    const storage = memoryStorage();
    storage.setItem('tl.conversations.v1', '{not json');
    const state = loadConversations(storage);
    expect(state.conversations).toHaveLength(1);
    expect(state.conversations[0].messages).toEqual([]);
    const full = { getItem: () => null, setItem: () => { throw new DOMException('full', 'QuotaExceededError'); } };
    expect(saveConversations(state, full)).toBe(false);
  });

  it('export and import as JSON without overwriting what is there', () => {
    const json = exportConversations([chat]);
    expect(JSON.parse(json)).toMatchObject({ format: 'transformer-lab.conversations', version: 1 });
    const merged = importConversations([chat], json);
    expect(merged).toHaveLength(2);
    expect(merged[0].id).not.toBe(chat.id);
    expect(merged[0].messages).toEqual(chat.messages);
  });

  it('reject files that are not conversation exports, saying why', () => {
    expect(() => importConversations([], 'nope')).toThrow(ConversationsFormatError);
    expect(() => importConversations([], '{"conversations": [{"messages": [{"role": "robot", "content": 1}]}]}')).toThrow(/conversation 1/);
    expect(() => importConversations([], '{"x": 1}')).toThrow(/no "conversations" list/);
  });

  it('title a conversation by its first message', () => {
    expect(conversationTitle(chat)).toBe('Hi there');
    expect(conversationTitle(newConversation())).toBe('New chat');
  });
});
