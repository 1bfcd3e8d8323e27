/**
 * Conversations in localStorage, one key each (`tl.conversation.v2.<id>`), so that two tabs never
 * overwrite each other's conversations with a stale copy of the whole list: a change touches one key,
 * and the controller applies it to the freshest stored copy of that conversation. The single-list key
 * of earlier versions is migrated on first load, and removed only once every conversation in it is
 * stored under its own key (a refused write keeps it, so nothing is lost).
 */
import { keysWithPrefix, readSetting, removeSetting, writeSetting, type ListableStore } from '../../core/safe-storage';
import { parseConversation, type Conversation } from './conversations-store';

export const CONVERSATION_PREFIX = 'tl.conversation.v2.';
/** Earlier versions kept `{ activeId, conversations }` under this one key. */
export const LEGACY_KEY = 'tl.conversations.v1';

export const conversationKey = (id: string): string => `${CONVERSATION_PREFIX}${id}`;

/** The conversation id a storage key belongs to, or null for any other key. */
export function idOfKey(key: string | null): string | null {
  return key?.startsWith(CONVERSATION_PREFIX) ? key.slice(CONVERSATION_PREFIX.length) : null;
}

/** A stored conversation from its JSON, or null when the text is damaged (then it is left as it is). */
export function parseStored(raw: string | null): Conversation | null {
  if (raw === null) return null;
  try {
    return parseConversation(JSON.parse(raw));
  } catch {
    return null;
  }
}

export function readStoredConversation(id: string, store: ListableStore | null): Conversation | null {
  const conversation = parseStored(readSetting(conversationKey(id), store));
  return conversation && { ...conversation, id };
}

/** False when the browser refused (quota, privacy mode, no storage). */
export function writeConversation(conversation: Conversation, store: ListableStore | null): boolean {
  return writeSetting(conversationKey(conversation.id), JSON.stringify(conversation), store);
}

export function removeConversation(id: string, store: ListableStore | null): boolean {
  return removeSetting(conversationKey(id), store);
}

export interface StoredConversations {
  conversations: Conversation[];
  /** The conversation the single-list version had open, to open it again after the migration. */
  legacyActiveId: string | null;
}

/** Every stored conversation, and those of the single-list key, which are moved to keys of their own. */
export function readStoredConversations(store: ListableStore | null): StoredConversations {
  const byId = new Map<string, Conversation>();
  for (const key of keysWithPrefix(CONVERSATION_PREFIX, store)) {
    const id = idOfKey(key)!;
    const conversation = readStoredConversation(id, store);
    if (conversation) byId.set(id, conversation);
  }
  const legacy = readLegacy(store);
  let migrated = true;
  for (const conversation of legacy?.conversations ?? []) {
    if (byId.has(conversation.id)) continue;
    byId.set(conversation.id, conversation);
    // An empty conversation has nothing to keep; any other one must be stored before the old key goes.
    if (conversation.messages.length || conversation.system) migrated = writeConversation(conversation, store) && migrated;
  }
  if (legacy && migrated) removeSetting(LEGACY_KEY, store);
  return { conversations: [...byId.values()], legacyActiveId: legacy?.activeId ?? null };
}

function readLegacy(store: ListableStore | null): { activeId: string | null; conversations: Conversation[] } | null {
  const raw = readSetting(LEGACY_KEY, store);
  if (raw === null) return null;
  try {
    const value = JSON.parse(raw) as { activeId?: unknown; conversations?: unknown };
    const list = Array.isArray(value.conversations) ? value.conversations : [];
    const conversations: Conversation[] = [];
    for (const item of list) {
      try {
        conversations.push(parseConversation(item));
      } catch {
        // One damaged conversation does not cost the others.
      }
    }
    return { activeId: typeof value.activeId === 'string' ? value.activeId : null, conversations };
  } catch {
    // Damaged beyond reading: left in place rather than removed, so nothing is lost by reading it.
    return null;
  }
}
