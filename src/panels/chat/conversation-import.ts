/**
 * An import that tells the truth: each conversation is written under its own key, read back and
 * compared before it counts as imported; one that is too large, refused by the browser or not well
 * formed is named with the reason, and the conversations already there are never touched.
 */
import { msg, str } from '@lit/localize';
import type { ListableStore } from '../../core/safe-storage';
import { conversationTitle, type Conversation, type ImportPlan } from './conversations-store';
import { readStoredConversation, removeConversation, writeConversation } from './conversation-storage';
import { formatBytes } from '../format';

/**
 * Browsers keep about 5 MB per site in localStorage (text counts two bytes a character); one imported
 * conversation may take 2 MB of it, so an import never leaves no room for the chats that follow.
 */
export const MAX_IMPORTED_CONVERSATION_BYTES = 2 * 1024 * 1024;

export type RefusalReason = 'size' | 'quota' | 'unreadable' | 'format';

export interface Refusal {
  /** Its title, or "conversation N" (its place in the file) when it has none to show. */
  label: string;
  reason: RefusalReason;
  /** The size it would take in storage (size), or what is wrong with it (format). */
  detail: string;
}

export interface ImportReport {
  kept: Conversation[];
  refused: Refusal[];
}

export function importInto(plan: ImportPlan, store: ListableStore | null): ImportReport {
  const report: ImportReport = { kept: [], refused: [] };
  plan.conversations.forEach((conversation, index) => {
    const label = conversation.title || (conversation.messages.length ? conversationTitle(conversation) : msg(str`conversation ${index + 1}`));
    const bytes = JSON.stringify(conversation).length * 2;
    if (bytes > MAX_IMPORTED_CONVERSATION_BYTES) return report.refused.push({ label, reason: 'size', detail: formatBytes(bytes) });
    if (!writeConversation(conversation, store)) return report.refused.push({ label, reason: 'quota', detail: '' });
    // Counted only once it reads back the same: a store that drops or mangles writes is caught here.
    const back = readStoredConversation(conversation.id, store);
    if (!back || JSON.stringify(back) !== JSON.stringify(conversation)) {
      removeConversation(conversation.id, store);
      return report.refused.push({ label, reason: 'unreadable', detail: '' });
    }
    report.kept.push(conversation);
  });
  for (const { position, reason } of plan.malformed) report.refused.push({ label: msg(str`conversation ${position}`), reason: 'format', detail: reason });
  return report;
}

/** At most this many names per reason; the rest are counted. */
const NAMED = 3;

function reasonText(reason: RefusalReason, refusals: Refusal[]): string {
  const names = refusals.slice(0, NAMED).map((r) => (reason === 'size' ? `“${r.label}” (${r.detail})` : `“${r.label}”`)).join(', ');
  const more = refusals.length > NAMED ? msg(str` and ${refusals.length - NAMED} more`) : '';
  const limit = formatBytes(MAX_IMPORTED_CONVERSATION_BYTES);
  switch (reason) {
    case 'size': return msg(str`${names}${more}: larger than the ${limit} one conversation may take in the browser's storage`);
    case 'quota': return msg(str`${names}${more}: the browser refused to store them (its storage for this site is full or disabled)`);
    case 'unreadable': return msg(str`${names}${more}: stored, but did not read back the same, so removed again`);
    case 'format': return msg(str`${names}${more}: not valid (${refusals[0].detail})`);
  }
}

/** What the user is told: how many were imported and saved, and each refusal with its reason. */
export function importReportText(report: ImportReport): string {
  const kept = report.kept.length;
  const total = kept + report.refused.length;
  if (!report.refused.length) return kept === 1 ? msg('Imported 1 conversation; it is saved in this browser.') : msg(str`Imported ${kept} conversations; all are saved in this browser.`);
  const head = kept
    ? msg(str`Imported ${kept} of ${total} conversations; those are saved in this browser.`)
    : msg(str`Nothing was imported (${total} conversations in the file).`);
  const reasons: RefusalReason[] = ['size', 'quota', 'unreadable', 'format'];
  const parts = reasons.map((reason) => ({ reason, refusals: report.refused.filter((r) => r.reason === reason) }))
    .filter((p) => p.refusals.length)
    .map((p) => reasonText(p.reason, p.refusals));
  const full = report.refused.some((r) => r.reason === 'quota') ? ` ${msg('Storage is full: new messages will not be kept until you export and delete some conversations.')}` : '';
  return `${head} ${msg('Not imported:')} ${parts.join('; ')}. ${msg('Your other conversations are unchanged.')}${full}`;
}
