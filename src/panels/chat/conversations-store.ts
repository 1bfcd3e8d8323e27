/**
 * Conversations kept across reloads (localStorage), with a system prompt each, plus the unsent
 * draft; exported and imported as JSON. Storage failures never lose the conversation on screen.
 */
import type { ChatMessage } from '../../core/protocol';
import { msg, str } from '@lit/localize';
import { browserStorage, readSetting, writeSetting, type KeyValueStore } from '../../core/safe-storage';

export interface Conversation {
  id: string;
  title: string;
  /** Empty: no system message is sent. */
  system: string;
  messages: ChatMessage[];
  updatedAt: number;
}

export interface ConversationsState {
  activeId: string;
  conversations: Conversation[];
}

export const EXPORT_FORMAT = 'transformer-lab.conversations';
const STORAGE_KEY = 'tl.conversations.v1';
const DRAFT_KEY = 'tl.draft.v1';

const defaultStore = browserStorage;

export function newConversation(now = Date.now()): Conversation {
  return { id: `c${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`, title: '', system: '', messages: [], updatedAt: now };
}

/** A title from the first user message, for the list. */
export function conversationTitle(conversation: Conversation): string {
  if (conversation.title) return conversation.title;
  const first = conversation.messages.find((m) => m.role === 'user')?.content.trim();
  return first ? (first.length > 40 ? `${first.slice(0, 40)}…` : first) : 'New chat';
}

/** What the model is sent: the system prompt (when set) and then the turns. */
export function messagesForModel(conversation: Pick<Conversation, 'system' | 'messages'>, next: ChatMessage[] = []): ChatMessage[] {
  const system: ChatMessage[] = conversation.system.trim() ? [{ role: 'system', content: conversation.system }] : [];
  return [...system, ...conversation.messages, ...next];
}

function isMessage(value: unknown): value is ChatMessage {
  const m = value as ChatMessage;
  return !!m && typeof m === 'object' && (m.role === 'user' || m.role === 'assistant' || m.role === 'system') && typeof m.content === 'string';
}

/** Checks untrusted JSON (storage or an imported file) and keeps only well-formed conversations. */
export function parseConversations(value: unknown): Conversation[] {
  const list = Array.isArray(value) ? value : (value as { conversations?: unknown })?.conversations;
  if (!Array.isArray(list)) throw new ConversationsFormatError(msg('it has no "conversations" list'));
  return list.map((raw, index) => {
    const c = raw as Partial<Conversation>;
    if (!c || typeof c !== 'object' || !Array.isArray(c.messages) || !c.messages.every(isMessage)) {
      throw new ConversationsFormatError(msg(str`conversation ${index + 1} has no valid "messages" (each needs a role user/assistant/system and a text content)`));
    }
    return {
      id: typeof c.id === 'string' && c.id ? c.id : newConversation().id,
      title: typeof c.title === 'string' ? c.title : '',
      system: typeof c.system === 'string' ? c.system : '',
      messages: c.messages.map(({ role, content }) => ({ role, content })),
      updatedAt: typeof c.updatedAt === 'number' ? c.updatedAt : Date.now(),
    };
  });
}

export class ConversationsFormatError extends Error {
  override name = 'ConversationsFormatError';
  constructor(detail: string) {
    super(msg(str`This file is not a Transformer Lab conversations export: ${detail}.`));
  }
}

export function loadConversations(store: KeyValueStore | null = defaultStore()): ConversationsState {
  try {
    const raw = readSetting(STORAGE_KEY, store);
    if (raw) {
      const parsed = JSON.parse(raw) as { activeId?: string };
      const conversations = parseConversations(parsed);
      if (conversations.length) {
        const activeId = conversations.some((c) => c.id === parsed.activeId) ? parsed.activeId! : conversations[0].id;
        return { activeId, conversations };
      }
    }
  } catch {
    // Damaged storage: start fresh rather than failing the chat.
  }
  const first = newConversation();
  return { activeId: first.id, conversations: [first] };
}

/** False when the browser refused (quota, privacy mode): the caller can tell the user. */
export function saveConversations(state: ConversationsState, store: KeyValueStore | null = defaultStore()): boolean {
  return writeSetting(STORAGE_KEY, JSON.stringify(state), store);
}

export function loadDraft(store: KeyValueStore | null = defaultStore()): string {
  return readSetting(DRAFT_KEY, store) ?? '';
}

/** False when refused: the draft stays in the input; only its copy across reloads is lost. */
export function saveDraft(text: string, store: KeyValueStore | null = defaultStore()): boolean {
  return writeSetting(DRAFT_KEY, text, store);
}

export function exportConversations(conversations: Conversation[]): string {
  return JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), conversations }, null, 2);
}

/** Imported conversations are added; an id already present gets a new one so nothing is overwritten. */
export function importConversations(existing: Conversation[], json: string): Conversation[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConversationsFormatError(msg(str`it is not JSON (${(error as Error).message})`));
  }
  const ids = new Set(existing.map((c) => c.id));
  const imported = parseConversations(value).map((c) => (ids.has(c.id) ? { ...c, id: newConversation().id } : c));
  return [...imported, ...existing];
}
