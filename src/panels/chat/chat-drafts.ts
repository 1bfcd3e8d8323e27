/**
 * Unsent text, kept per tab and per conversation: the tab's sessionStorage (it survives the tab's
 * reloads and belongs to that tab alone), with a copy in localStorage for a tab opened later on the
 * same conversation. A tab never takes another tab's draft once it has its own, even an empty one.
 */
import { pageStorage, readSetting, removeSetting, tabStorage, writeSetting, type ListableStore } from '../../core/safe-storage';

const DRAFT_PREFIX = 'tl.draft.v2.';
/** Earlier versions kept one draft for every tab and conversation. */
const LEGACY_DRAFT_KEY = 'tl.draft.v1';

export interface DraftStores {
  tab: ListableStore | null;
  page: ListableStore | null;
}

const browserStores = (): DraftStores => ({ tab: tabStorage(), page: pageStorage() });

export function loadDraft(conversationId: string, stores: DraftStores = browserStores()): string {
  const key = `${DRAFT_PREFIX}${conversationId}`;
  const own = readSetting(key, stores.tab);
  if (own !== null) return own;
  const legacy = readSetting(LEGACY_DRAFT_KEY, stores.page);
  if (legacy !== null) {
    // The old shared draft goes to the first conversation opened after the update, once.
    removeSetting(LEGACY_DRAFT_KEY, stores.page);
    saveDraft(conversationId, legacy, stores);
    return legacy;
  }
  return readSetting(key, stores.page) ?? '';
}

/** False when neither copy could be kept: the text stays in the input; only its copy across reloads is lost. */
export function saveDraft(conversationId: string, text: string, stores: DraftStores = browserStores()): boolean {
  const key = `${DRAFT_PREFIX}${conversationId}`;
  const inTab = writeSetting(key, text, stores.tab);
  const inPage = text ? writeSetting(key, text, stores.page) : removeSetting(key, stores.page);
  return inTab || inPage;
}
