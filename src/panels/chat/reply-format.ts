/**
 * Whether replies are shown as rendered Markdown or as the plain text the model wrote, remembered in
 * localStorage. Storage can be blocked or full: then the choice holds for this page only.
 */
const STORAGE_KEY = 'tl.chat.plainText.v1';

export function loadPlainTextReplies(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

export function savePlainTextReplies(plain: boolean): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, plain ? '1' : '0');
  } catch {
    /* not remembered, still applied */
  }
}
