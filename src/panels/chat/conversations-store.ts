/**
 * What a conversation is, and its JSON: the checks every stored or imported conversation passes, the
 * export, and the plan of an import. Where conversations are kept is conversation-storage.ts.
 */
import type { ChatMessage } from '../../core/protocol';
import { msg, str } from '@lit/localize';

/**
 * Why a reply ended before the model finished it; kept with the reply so its note survives a reload.
 * 'stop' is the Stop button or Esc; the others are actions the user took while it streamed.
 */
export type Interruption = 'stop' | 'new-chat' | 'switch-conversation' | 'model-load' | 'language' | 'left-chat' | 'page-closed';
const INTERRUPTIONS: readonly Interruption[] = ['stop', 'new-chat', 'switch-conversation', 'model-load', 'language', 'left-chat', 'page-closed'];

/** A turn as kept: what the model saw, plus why it was cut short (never sent to the model). */
export interface StoredMessage extends ChatMessage {
  interruptedBy?: Interruption;
}

export interface Conversation {
  id: string;
  title: string;
  /** Empty: no system message is sent. */
  system: string;
  messages: StoredMessage[];
  updatedAt: number;
}

export interface ConversationsState {
  activeId: string;
  conversations: Conversation[];
}

export const EXPORT_FORMAT = 'transformer-lab.conversations';

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
  return [...system, ...conversation.messages.map(({ role, content }) => ({ role, content })), ...next];
}

function isMessage(value: unknown): value is ChatMessage {
  const m = value as ChatMessage;
  return !!m && typeof m === 'object' && (m.role === 'user' || m.role === 'assistant' || m.role === 'system') && typeof m.content === 'string';
}

function storedMessage({ role, content, interruptedBy }: StoredMessage): StoredMessage {
  return INTERRUPTIONS.includes(interruptedBy!) ? { role, content, interruptedBy } : { role, content };
}

/** One conversation from untrusted JSON, or a format error saying what is wrong with it. */
export function parseConversation(raw: unknown, index = 0): Conversation {
  const c = raw as Partial<Conversation>;
  if (!c || typeof c !== 'object' || !Array.isArray(c.messages) || !c.messages.every(isMessage)) {
    throw new ConversationsFormatError(msg(str`conversation ${index + 1} has no valid "messages" (each needs a role user/assistant/system and a text content)`));
  }
  return {
    id: typeof c.id === 'string' && /^[\w-]{1,64}$/.test(c.id) ? c.id : newConversation().id,
    title: typeof c.title === 'string' ? c.title : '',
    system: typeof c.system === 'string' ? c.system : '',
    messages: c.messages.map(storedMessage),
    updatedAt: typeof c.updatedAt === 'number' && Number.isFinite(c.updatedAt) ? c.updatedAt : Date.now(),
  };
}

export class ConversationsFormatError extends Error {
  override name = 'ConversationsFormatError';
  /** What is wrong, without the sentence around it (for one refused conversation of a partial import). */
  constructor(readonly detail: string) {
    super(msg(str`This file is not a Transformer Lab conversations export: ${detail}.`));
  }
}

export function exportConversations(conversations: Conversation[]): string {
  return JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), conversations }, null, 2);
}

/** An import file read: the well-formed conversations, and why each other one was refused. */
export interface ImportPlan {
  conversations: Conversation[];
  /** 1-based positions in the file, with the reason in the user's language. */
  malformed: { position: number; reason: string }[];
}

/**
 * The conversations of an import file, each with an id not already taken, so nothing is overwritten.
 * A file that is not an export at all throws; a malformed conversation inside one is refused alone.
 */
export function planImport(takenIds: ReadonlySet<string>, json: string): ImportPlan {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ConversationsFormatError(msg(str`it is not JSON (${(error as Error).message})`));
  }
  const list = Array.isArray(value) ? value : (value as { conversations?: unknown })?.conversations;
  if (!Array.isArray(list)) throw new ConversationsFormatError(msg('it has no "conversations" list'));
  const ids = new Set(takenIds);
  const plan: ImportPlan = { conversations: [], malformed: [] };
  list.forEach((raw, index) => {
    try {
      const c = parseConversation(raw, index);
      const id = ids.has(c.id) ? newConversation().id : c.id;
      ids.add(id);
      plan.conversations.push({ ...c, id });
    } catch (error) {
      plan.malformed.push({ position: index + 1, reason: (error as ConversationsFormatError).detail });
    }
  });
  return plan;
}
