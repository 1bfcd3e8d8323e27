/**
 * Conversations kept one key each: two tabs (two controllers on one storage) merge instead of
 * overwriting, the single-list storage of earlier versions is migrated without loss, a full storage
 * refuses without losing what is on screen, drafts belong to a tab and a conversation, and an import
 * counts only what it wrote and read back.
 */
import { describe, expect, it } from 'vitest';
import { ConversationsController } from '../../src/panels/chat/conversations-controller';
import { CONVERSATION_PREFIX, LEGACY_KEY } from '../../src/panels/chat/conversation-storage';
import { importReportText, MAX_IMPORTED_CONVERSATION_BYTES } from '../../src/panels/chat/conversation-import';
import { loadDraft, saveDraft } from '../../src/panels/chat/chat-drafts';
import { exportConversations, newConversation, type Conversation } from '../../src/panels/chat/conversations-store';

/** A Storage in memory with a quota in characters (keys and values), as browsers count it. */
class MemoryStorage implements Storage {
  private readonly data = new Map<string, string>();
  private used = 0;
  private keys: string[] | null = null;
  constructor(private readonly quota = Infinity) {}
  get length() {
    return this.data.size;
  }
  key(i: number) {
    this.keys ??= [...this.data.keys()];
    return this.keys[i] ?? null;
  }
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    const old = this.data.get(k);
    const used = this.used - (old === undefined ? 0 : k.length + old.length) + k.length + v.length;
    if (used > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.used = used;
    if (old === undefined) this.keys = null;
    this.data.set(k, v);
  }
  removeItem(k: string) {
    const old = this.data.get(k);
    if (old === undefined) return;
    this.used -= k.length + old.length;
    this.keys = null;
    this.data.delete(k);
  }
  clear() {
    this.data.clear();
  }
  [name: string]: unknown;
}

/** Two tabs of one browser: one localStorage, a sessionStorage each, and the storage event between them. */
function twoTabs(page = new MemoryStorage()) {
  const a = new ConversationsController(page, new MemoryStorage());
  const b = new ConversationsController(page, new MemoryStorage());
  const relay = (to: ConversationsController) => (key: string) => to.onStorage({ key, newValue: page.getItem(key), storageArea: page });
  return { page, a, b, toA: relay(a), toB: relay(b) };
}

const user = (content: string) => ({ role: 'user' as const, content });
const bot = (content: string) => ({ role: 'assistant' as const, content });
const texts = (c: Conversation | undefined) => c?.messages.map((m) => m.content);

describe('conversations in two tabs', () => {
  it('a refused first message taken back stays gone: the next message is asked alone, and storage holds no copy of it', () => {
    const page = new MemoryStorage();
    const tab = new ConversationsController(page, new MemoryStorage());
    const id = tab.activeId;
    const long = user('Zoo '.repeat(400));
    const at = tab.append(id, [long]);
    tab.withdraw(id, long, at);
    expect(texts(tab.get(id))).toEqual([]);
    tab.append(id, [user('Zoo')]);
    expect(texts(tab.get(id))).toEqual(['Zoo']);
    expect(texts(new ConversationsController(page, new MemoryStorage()).get(id))).toEqual(['Zoo']);
  });

  it('the issue\'s sequence loses nothing: both tabs\' conversations are stored, each with every turn', () => {
    const { page, a, b, toA, toB } = twoTabs();
    const x = a.activeId;
    const i = a.append(x, [user('from A')]);
    a.answer(x, user('from A'), i, bot('reply A'));
    toB(`${CONVERSATION_PREFIX}${x}`);
    // B opens the same conversation (it had no messages when B started), then sends in it.
    b.select(x);
    const j = b.append(x, [user('from B')]);
    b.answer(x, user('from B'), j, bot('reply B'));
    toA(`${CONVERSATION_PREFIX}${x}`);
    const y = b.create().id;
    b.append(y, [user('B, new chat')]);
    toA(`${CONVERSATION_PREFIX}${y}`);
    a.append(x, [user('A again')]);
    expect(texts(a.get(x))).toEqual(['from A', 'reply A', 'from B', 'reply B', 'A again']);
    expect(a.conversations.map((c) => c.id).sort()).toEqual([x, y].sort());
    // A reload of A reads storage afresh: both conversations are there, and A still has its own open.
    const reloaded = new ConversationsController(page, new MemoryStorage());
    expect(reloaded.conversations.map((c) => texts(c))).toContainEqual(['B, new chat']);
    expect(texts(reloaded.get(x))).toEqual(['from A', 'reply A', 'from B', 'reply B', 'A again']);
  });

  it('a change made from a stale copy is merged into the stored one, each reply next to its question', () => {
    const { a, b } = twoTabs();
    const x = a.activeId;
    a.append(x, [user('q0'), bot('r0')]);
    b.select(x);
    // Both tabs ask at once, without hearing of each other (no storage event delivered).
    const ia = a.append(x, [user('qa')]);
    const ib = b.append(x, [user('qb')]);
    a.answer(x, user('qa'), ia, bot('ra'));
    b.answer(x, user('qb'), ib, bot('rb'));
    expect(texts(new ConversationsController(a['store']).get(x))).toEqual(['q0', 'r0', 'qa', 'ra', 'qb', 'rb']);
  });

  it('a conversation deleted in another tab leaves this tab\'s list; the tab showing it opens another', () => {
    const { a, b, toA } = twoTabs();
    const x = a.activeId;
    a.append(x, [user('keep me')]);
    const y = a.create().id;
    a.append(y, [user('delete me')]);
    b.select(y);
    b.delete(y);
    toA(`${CONVERSATION_PREFIX}${y}`);
    expect(a.get(y)).toBeUndefined();
    expect(a.activeId).toBe(x);
  });

  it('drafts belong to a tab and a conversation; a new tab starts from the last one written', () => {
    const page = new MemoryStorage();
    const tabA = { tab: new MemoryStorage(), page };
    const tabB = { tab: new MemoryStorage(), page };
    saveDraft('c1', 'typed in A', tabA);
    saveDraft('c1', 'typed in B', tabB);
    saveDraft('c2', 'other chat', tabA);
    expect(loadDraft('c1', tabA)).toBe('typed in A');
    expect(loadDraft('c1', tabB)).toBe('typed in B');
    expect(loadDraft('c2', tabA)).toBe('other chat');
    expect(loadDraft('c1', { tab: new MemoryStorage(), page })).toBe('typed in B');
    // A sends its message: its draft is empty, in A and for tabs opened later, and B keeps its own.
    saveDraft('c1', '', tabA);
    expect(loadDraft('c1', tabA)).toBe('');
    expect(loadDraft('c1', tabB)).toBe('typed in B');
    expect(loadDraft('c1', { tab: new MemoryStorage(), page })).toBe('');
  });
});

describe('migration and refusals', () => {
  it('the single-list storage of earlier versions is moved to one key each, with the open conversation and the draft', () => {
    const page = new MemoryStorage();
    const old = [{ ...newConversation(1), messages: [user('one')] }, { ...newConversation(2), messages: [user('two'), bot('2')] }, newConversation(3)];
    page.setItem(LEGACY_KEY, JSON.stringify({ activeId: old[1].id, conversations: old }));
    page.setItem('tl.draft.v1', 'half a thought');
    const c = new ConversationsController(page, new MemoryStorage());
    expect(c.activeId).toBe(old[1].id);
    expect(c.conversations.map(texts).sort()).toEqual([['one'], ['two', '2'], []].sort());
    expect(page.getItem(LEGACY_KEY)).toBeNull();
    expect(JSON.parse(page.getItem(`${CONVERSATION_PREFIX}${old[0].id}`)!).messages).toEqual([user('one')]);
    expect(loadDraft(c.activeId, { tab: new MemoryStorage(), page })).toBe('half a thought');
    expect(page.getItem('tl.draft.v1')).toBeNull();
  });

  it('a migration that storage refuses keeps the old key, and every conversation is still read', () => {
    const old = [{ ...newConversation(1), messages: [user('x'.repeat(300))] }];
    const legacy = JSON.stringify({ activeId: old[0].id, conversations: old });
    const page = new MemoryStorage(legacy.length + LEGACY_KEY.length + 10);
    page.setItem(LEGACY_KEY, legacy);
    const c = new ConversationsController(page, new MemoryStorage());
    expect(texts(c.active)).toEqual(['x'.repeat(300)]);
    expect(page.getItem(LEGACY_KEY)).toBe(legacy);
  });

  it('damaged storage starts a fresh conversation and is left as it is', () => {
    const page = new MemoryStorage();
    page.setItem(LEGACY_KEY, '{not json');
    page.setItem(`${CONVERSATION_PREFIX}cbroken`, '{"messages": 3}');
    const c = new ConversationsController(page, new MemoryStorage());
    expect(c.conversations).toHaveLength(1);
    expect(c.active.messages).toEqual([]);
    expect(page.getItem(LEGACY_KEY)).toBe('{not json');
  });

  it('a full storage refuses: the turn is kept here, said so, and saved with the next change once there is room', () => {
    const page = new MemoryStorage(200);
    const c = new ConversationsController(page, new MemoryStorage());
    const id = c.activeId;
    c.append(id, [user('short')]);
    expect(c.saveRefused).toBe(false);
    c.append(id, [bot('y'.repeat(300))]);
    expect(c.saveRefused).toBe(true);
    expect(texts(c.get(id))).toEqual(['short', 'y'.repeat(300)]);
    c.delete('nothing');
    c.append(id, [user('z')]);
    expect(texts(c.get(id))).toEqual(['short', 'y'.repeat(300), 'z']);
    expect(JSON.parse(page.getItem(`${CONVERSATION_PREFIX}${id}`)!).messages).toHaveLength(1);
  });

  it('without any storage the chat still works in memory', () => {
    const c = new ConversationsController(null, null);
    c.append(c.activeId, [user('hello')]);
    expect(c.saveRefused).toBe(true);
    expect(texts(c.active)).toEqual(['hello']);
  });
});

describe('imports tell the truth', () => {
  it('counts what was written and read back; refuses too large, full and malformed by name; leaves the rest alone', () => {
    const page = new MemoryStorage(60_000);
    const c = new ConversationsController(page, new MemoryStorage());
    c.append(c.activeId, [user('mine')]);
    const mine = c.activeId;
    const small = { ...newConversation(5), title: 'Small', messages: [user('a'), bot('b')] };
    const huge = { ...newConversation(6), title: 'Huge', messages: [user('h'.repeat(MAX_IMPORTED_CONVERSATION_BYTES))] };
    const big = { ...newConversation(7), title: 'Big', messages: [user('g'.repeat(70_000))] };
    const json = JSON.stringify({ conversations: [small, huge, big, { messages: 'nope' }] });
    const report = c.import(json);
    expect(report.kept.map((k) => k.title)).toEqual(['Small']);
    expect(report.refused.map((r) => [r.label, r.reason])).toEqual([['Huge', 'size'], ['Big', 'quota'], ['conversation 4', 'format']]);
    const text = importReportText(report);
    expect(text).toContain('Imported 1 of 4 conversations');
    expect(text).toMatch(/“Huge” \(4\.0 MB\): larger than the 2\.0 MB/);
    expect(text).toMatch(/“Big”: the browser refused to store them/);
    expect(text).toMatch(/conversation 4.*not valid/);
    expect(text).toContain('Your other conversations are unchanged.');
    expect(texts(c.get(mine))).toEqual(['mine']);
    const reloaded = new ConversationsController(page, new MemoryStorage());
    expect(reloaded.conversations.map((x) => x.title).sort()).toEqual(['', 'Small']);
  });

  it('a store that drops writes is caught by the read-back, and nothing is claimed', () => {
    const page = new MemoryStorage();
    const forgetful = Object.assign(Object.create(page) as MemoryStorage, { setItem: () => undefined, getItem: (k: string) => page.getItem(k), removeItem: (k: string) => page.removeItem(k) });
    const c = new ConversationsController(forgetful, new MemoryStorage());
    const report = c.import(exportConversations([{ ...newConversation(1), messages: [user('q')] }]));
    expect(report.kept).toEqual([]);
    expect(report.refused.map((r) => r.reason)).toEqual(['unreadable']);
    expect(importReportText(report)).toMatch(/^Nothing was imported/);
  });

  it('twenty thousand conversations: each one kept is really stored', { timeout: 60_000 }, () => {
    const page = new MemoryStorage(2_000_000);
    const c = new ConversationsController(page, new MemoryStorage());
    const many = Array.from({ length: 20_000 }, (_, i) => ({ ...newConversation(i), id: `c${i}`, messages: [user(`question ${i}`)] }));
    const report = c.import(exportConversations(many));
    expect(report.kept.length + report.refused.length).toBe(20_000);
    expect(report.refused.length).toBeGreaterThan(0);
    const stored = new ConversationsController(page, new MemoryStorage()).conversations.filter((x) => x.messages.length);
    expect(stored).toHaveLength(report.kept.length);
    expect(importReportText(report)).toContain(`Imported ${report.kept.length} of 20000 conversations`);
  });
});

describe('a tab\'s new chat', () => {
  it('an empty new chat is not stored, but the tab reopens it (and its draft) after a reload', () => {
    const page = new MemoryStorage();
    const tab = new MemoryStorage();
    const c = new ConversationsController(page, tab);
    c.append(c.activeId, [user('stored')]);
    const fresh = c.create().id;
    saveDraft(fresh, 'typing in a new chat', { tab, page });
    expect(page.getItem(`${CONVERSATION_PREFIX}${fresh}`)).toBeNull();
    const reloaded = new ConversationsController(page, tab);
    expect(reloaded.activeId).toBe(fresh);
    expect(loadDraft(fresh, { tab, page })).toBe('typing in a new chat');
    expect(reloaded.conversations).toHaveLength(2);
  });
});
