/**
 * This tab's conversations: the list, which one is open (per tab), and every change to them. Each change
 * is applied to the freshest stored copy of the one conversation it touches and written back at once,
 * so a second tab's messages are merged in, never overwritten; the `storage` event brings another
 * tab's changes here as they happen. Storage may refuse at any moment: the copy here is then kept (and
 * used for the next change), and `saveRefused` says so.
 */
import { pageStorage, readSetting, tabStorage, writeSetting, type ListableStore } from '../../core/safe-storage';
import { newConversation, planImport, type Conversation, type ConversationsState, type StoredMessage } from './conversations-store';
import { idOfKey, parseStored, readStoredConversation, readStoredConversations, removeConversation, writeConversation } from './conversation-storage';
import { importInto, type ImportReport } from './conversation-import';

const ACTIVE_KEY = 'tl.active-conversation.v2';

export class ConversationsController {
  private readonly byId = new Map<string, Conversation>();
  /** Conversations whose last write was refused: the copy here is newer than the stored one. */
  private readonly unsaved = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private sorted: Conversation[] | null = null;
  activeId: string;
  /** The last write was refused (storage full, disabled or missing). */
  saveRefused = false;

  constructor(private readonly store: ListableStore | null = pageStorage(), private readonly tab: ListableStore | null = tabStorage()) {
    const { conversations, legacyActiveId } = readStoredConversations(store);
    for (const c of conversations) this.byId.set(c.id, c);
    const own = readSetting(ACTIVE_KEY, tab);
    // The tab had a new chat open, not stored while empty: it comes back (with its draft) after a reload.
    if (own && !this.byId.has(own) && /^[\w-]{1,64}$/.test(own)) this.byId.set(own, { ...newConversation(), id: own });
    const wanted = [own, legacyActiveId].find((id) => id && this.byId.has(id));
    this.activeId = wanted ?? this.conversations[0]?.id ?? this.create().id;
  }

  /** Newest first. */
  get conversations(): Conversation[] {
    this.sorted ??= [...this.byId.values()].sort((a, b) => b.updatedAt - a.updatedAt);
    return this.sorted;
  }

  get active(): Conversation {
    return this.byId.get(this.activeId) ?? this.conversations[0];
  }

  get state(): ConversationsState {
    return { activeId: this.activeId, conversations: this.conversations };
  }

  get(id: string): Conversation | undefined {
    return this.byId.get(id);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.sorted = null;
    for (const listener of this.listeners) listener();
  }

  /** A fresh conversation, opened; stored with its first message (an empty one is not worth a key). */
  create(): Conversation {
    const fresh = newConversation();
    this.byId.set(fresh.id, fresh);
    this.open(fresh.id);
    return fresh;
  }

  select(id: string): void {
    if (this.byId.has(id)) this.open(id);
  }

  private open(id: string): void {
    this.activeId = id;
    writeSetting(ACTIVE_KEY, id, this.tab);
    this.changed();
  }

  /**
   * Applies `change` to the freshest copy of conversation `id` (the stored one, unless this tab holds
   * newer text that storage refused) and writes the result; false when the browser refused it.
   */
  change(id: string, change: (c: Conversation) => Conversation): boolean {
    const local = this.byId.get(id);
    const stored = this.unsaved.has(id) ? null : readStoredConversation(id, this.store);
    const base = stored ?? local;
    if (!base) return false;
    const next = { ...change(base), id, updatedAt: Date.now() };
    this.byId.set(id, next);
    const worthKeeping = next.messages.length > 0 || next.system !== '';
    // Emptied (its one message taken back): the stored copy goes too, or the next change would read it back.
    const saved = worthKeeping ? writeConversation(next, this.store) : stored === null || removeConversation(id, this.store);
    if (saved) this.unsaved.delete(id);
    else this.unsaved.add(id);
    this.saveRefused = !saved;
    this.changed();
    return saved;
  }

  /** Adds messages at the end; returns the index of the first, for `answer`. */
  append(id: string, messages: StoredMessage[]): number {
    let index = 0;
    this.change(id, (c) => {
      index = c.messages.length;
      return { ...c, messages: [...c.messages, ...messages] };
    });
    return index;
  }

  /**
   * Puts the reply right after the message it answers (found at `index`, or by its text if another
   * tab added turns meanwhile), so each question keeps its answer next to it.
   */
  answer(id: string, question: StoredMessage, index: number, reply: StoredMessage): void {
    this.change(id, (c) => {
      const at = this.findMessage(c.messages, question, index);
      const messages = [...c.messages];
      messages.splice(at < 0 ? messages.length : at + 1, 0, reply);
      return { ...c, messages };
    });
  }

  /** Takes back a message that got no reply (a failed request: its text goes back to the input). */
  withdraw(id: string, question: StoredMessage, index: number): void {
    this.change(id, (c) => {
      const at = this.findMessage(c.messages, question, index);
      return at < 0 ? c : { ...c, messages: c.messages.filter((_, i) => i !== at) };
    });
  }

  private findMessage(messages: StoredMessage[], message: StoredMessage, index: number): number {
    const same = (m: StoredMessage | undefined) => m?.role === message.role && m.content === message.content;
    if (same(messages[index])) return index;
    return messages.findLastIndex(same);
  }

  setSystem(id: string, system: string): void {
    this.change(id, (c) => ({ ...c, system }));
  }

  /** Removes a conversation everywhere; the tab opens the newest other one (or a fresh one). */
  delete(id: string): void {
    removeConversation(id, this.store);
    this.byId.delete(id);
    this.unsaved.delete(id);
    this.sorted = null;
    if (this.activeId === id) this.open(this.conversations[0]?.id ?? this.create().id);
    else this.changed();
  }

  /** Writes an import file's conversations, reads each back, and opens the first one kept. */
  import(json: string): ImportReport {
    const plan = planImport(new Set(this.byId.keys()), json);
    const report = importInto(plan, this.store);
    for (const c of report.kept) this.byId.set(c.id, c);
    this.sorted = null;
    if (report.kept.length) this.open(report.kept[0].id);
    return report;
  }

  /** Another tab wrote or removed a conversation (the `storage` event): the list here follows. */
  onStorage(event: Pick<StorageEvent, 'key' | 'newValue' | 'storageArea'>): void {
    if (event.storageArea !== this.store) return;
    if (event.key === null) return this.reloadAll();
    const id = idOfKey(event.key);
    if (id === null || this.unsaved.has(id)) return;
    const conversation = parseStored(event.newValue);
    if (conversation) this.byId.set(id, { ...conversation, id });
    else if (event.newValue === null) {
      this.byId.delete(id);
      if (this.activeId === id) return this.open(this.conversations.find((c) => c.id !== id)?.id ?? this.create().id);
    }
    this.changed();
  }

  /** Storage was cleared in another tab: what this tab shows stays, now kept only here. */
  private reloadAll(): void {
    const { conversations } = readStoredConversations(this.store);
    for (const c of conversations) this.byId.set(c.id, c);
    this.changed();
  }

  /** Listens to other tabs until the returned function is called. */
  listen(target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window): () => void {
    const onStorage = (event: StorageEvent) => this.onStorage(event);
    target.addEventListener('storage', onStorage);
    return () => target.removeEventListener('storage', onStorage);
  }
}

let pageController: ConversationsController | null = null;

/** The page's one controller: every chat panel the app builds (one per visit to the tab) shares it. */
export function pageConversations(): ConversationsController {
  if (!pageController) {
    pageController = new ConversationsController();
    pageController.listen();
  }
  return pageController;
}
