import { describe, expect, it } from 'vitest';
import { ConversationsFormatError, conversationTitle, exportConversations, messagesForModel, newConversation, planImport } from '../../src/panels/chat/conversations-store';

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

  it('export and plan an import without taking an id that is there', () => {
    const json = exportConversations([chat]);
    expect(JSON.parse(json)).toMatchObject({ format: 'transformer-lab.conversations', version: 1 });
    const plan = planImport(new Set([chat.id]), json);
    expect(plan.conversations).toHaveLength(1);
    expect(plan.conversations[0].id).not.toBe(chat.id);
    expect(plan.conversations[0].messages).toEqual(chat.messages);
  });

  it('reject files that are not conversation exports, saying why, and refuse a malformed conversation alone', () => {
    expect(() => planImport(new Set(), 'nope')).toThrow(ConversationsFormatError);
    expect(() => planImport(new Set(), '{"x": 1}')).toThrow(/no "conversations" list/);
    const plan = planImport(new Set(), JSON.stringify({ conversations: [{ messages: [{ role: 'robot', content: 1 }] }, chat] }));
    expect(plan.conversations.map((c) => c.messages)).toEqual([chat.messages]);
    expect(plan.malformed).toEqual([{ position: 1, reason: expect.stringMatching(/conversation 1 has no valid "messages"/) }]);
  });

  it('keep why a reply was cut short, and never send it to the model', () => {
    const stopped = { ...chat, messages: [chat.messages[0], { role: 'assistant' as const, content: 'Hel', interruptedBy: 'new-chat' as const }] };
    const plan = planImport(new Set(), exportConversations([stopped]));
    expect(plan.conversations[0].messages[1]).toEqual({ role: 'assistant', content: 'Hel', interruptedBy: 'new-chat' });
    expect(messagesForModel(plan.conversations[0])[2]).toEqual({ role: 'assistant', content: 'Hel' });
    const odd = planImport(new Set(), JSON.stringify({ conversations: [{ messages: [{ role: 'user', content: 'x', interruptedBy: '<script>' }] }] }));
    expect(odd.conversations[0].messages[0]).toEqual({ role: 'user', content: 'x' });
  });

  it('title a conversation by its first message', () => {
    expect(conversationTitle(chat)).toBe('Hi there');
    expect(conversationTitle(newConversation())).toBe('New chat');
  });
});
