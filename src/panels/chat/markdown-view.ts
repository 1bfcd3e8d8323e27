/**
 * A model's reply as rendered Markdown (markdown-render.ts), sanitized by DOMPurify with a short
 * allow-list, so even a bug in the renderer cannot put a script, a handler, a form or an image in
 * the page. Streaming stays calm: the text is rendered at most once per animation frame, and
 * blocks whose Markdown did not change keep their DOM (selection, focus and the copy buttons stay);
 * only the block being written is replaced. Rendered into the light DOM, so the chat's styles and
 * text queries see it.
 */
import DOMPurify, { type Config } from 'dompurify';
import { msg } from '@lit/localize';
import { markdownBlocks } from './markdown-render';

const PURIFY_CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  ALLOWED_TAGS: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'pre', 'code', 'em', 'strong', 'del',
    'a', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  ALLOWED_ATTR: ['href', 'title', 'class', 'align', 'start'],
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

let purifier: ReturnType<typeof DOMPurify> | null = null;

/** Our own DOMPurify instance, so its hook touches nobody else's sanitizing. */
function sanitize(html: string): DocumentFragment {
  if (!purifier) {
    purifier = DOMPurify(window);
    // Links open in a new tab that cannot reach back into this page or learn where it came from.
    purifier.addHook('afterSanitizeAttributes', (node) => {
      if (node instanceof HTMLAnchorElement && node.hasAttribute('href')) {
        node.target = '_blank';
        node.rel = 'noopener noreferrer';
      }
    });
  }
  return purifier.sanitize(html, PURIFY_CONFIG);
}

const COPIED_MS = 2000;

export class MarkdownView extends HTMLElement {
  private source = '';
  private frame = 0;
  private blocks: { raw: string; node: HTMLElement }[] = [];

  /** The reply's Markdown; set it on every streamed token, it renders on the next frame. */
  set text(value: string) {
    if (value === this.source) return;
    this.source = value;
    this.schedule();
  }

  get text(): string {
    return this.source;
  }

  private readonly onLocale = (event: Event) => {
    // The copy buttons and image links are worded in the language of the moment they were made.
    if ((event as CustomEvent<{ status: string }>).detail.status !== 'ready') return;
    this.clear();
    this.schedule();
  };

  private readonly onClick = (event: Event) => {
    const button = (event.target as Element).closest?.('button.copy');
    if (button instanceof HTMLButtonElement) void this.copy(button);
  };

  connectedCallback(): void {
    window.addEventListener('lit-localize-status', this.onLocale);
    this.addEventListener('click', this.onClick);
    this.schedule();
  }

  disconnectedCallback(): void {
    window.removeEventListener('lit-localize-status', this.onLocale);
    this.removeEventListener('click', this.onClick);
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private schedule(): void {
    if (this.frame || !this.isConnected) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderBlocks();
    });
  }

  private clear(): void {
    for (const block of this.blocks) block.node.remove();
    this.blocks = [];
  }

  private renderBlocks(): void {
    const blocks = markdownBlocks(this.source);
    let kept = 0;
    while (kept < blocks.length && kept < this.blocks.length && this.blocks[kept].raw === blocks[kept].raw) kept++;
    for (const stale of this.blocks.splice(kept)) stale.node.remove();
    for (const block of blocks.slice(kept)) {
      const node = document.createElement('div');
      node.className = 'md-block';
      node.append(sanitize(block.html));
      addCopyButtons(node);
      this.append(node);
      this.blocks.push({ raw: block.raw, node });
    }
    this.dispatchEvent(new CustomEvent('markdown-rendered', { bubbles: true, composed: true }));
  }

  private async copy(button: HTMLButtonElement): Promise<void> {
    const wrapper = button.closest('.code-block');
    const code = wrapper?.querySelector('code');
    const status = wrapper?.querySelector('.copy-status');
    if (!code || !status) return;
    const done = await copyText(code.textContent ?? '', code);
    const said = done ? msg('Copied') : msg('Copy failed: the code is selected, press Ctrl+C to copy it.');
    button.textContent = done ? said : msg('Copy');
    status.textContent = said;
    if (done) {
      setTimeout(() => {
        button.textContent = msg('Copy');
        status.textContent = '';
      }, COPIED_MS);
    }
  }
}

/** Each code block gets a Copy button before it, reachable with Tab, and a status line that announces the result. */
function addCopyButtons(root: HTMLElement): void {
  for (const pre of root.querySelectorAll('pre')) {
    const wrapper = document.createElement('div');
    wrapper.className = 'code-block';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    button.textContent = msg('Copy');
    button.title = msg('Copy this code to the clipboard');
    const status = document.createElement('span');
    status.className = 'copy-status';
    status.setAttribute('role', 'status');
    pre.replaceWith(wrapper);
    wrapper.append(button, status, pre);
  }
}

/** The Clipboard API where the page may use it; else the selection and the older copy command. */
async function copyText(text: string, element: Element): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const selection = getSelection();
    selection?.selectAllChildren(element);
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

if (!customElements.get('tl-markdown')) customElements.define('tl-markdown', MarkdownView);

declare global {
  interface HTMLElementTagNameMap {
    'tl-markdown': MarkdownView;
  }
}
