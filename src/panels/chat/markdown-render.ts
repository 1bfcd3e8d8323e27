/**
 * Markdown of a model's reply to HTML, with every way out of the page closed before the sanitizer
 * (markdown-view.ts) even looks at it:
 * - HTML the model writes is shown as text, never parsed: an instruct model explaining `<div>` means
 *   the reader to see `<div>`, and nothing it writes can add elements or handlers;
 * - links keep only http(s) and mailto addresses; any other (javascript:, data:, vbscript:, relative,
 *   entity-encoded tricks) leaves just the link's text;
 * - images are never loaded (a reply must not make the browser send a request): they become a link
 *   with their alt text, which the reader may open.
 * The output is split into top-level blocks so a streaming reply re-renders only its last block.
 */
import { Marked, type Token, type Tokens, type TokensList } from 'marked';
import { msg, str } from '@lit/localize';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The address as it will be written into href, or null when it must not become a link. */
export function safeHref(href: string): string | null {
  let url: URL;
  try {
    // No base: a relative address (or a scheme hidden behind `&#x61;`, which is no scheme at all) fails.
    url = new URL(href);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const NEW_TAB = 'target="_blank" rel="noopener noreferrer"';

const marked = new Marked({
  gfm: true,
  renderer: {
    html({ text, block }: Tokens.HTML | Tokens.Tag): string {
      return block ? `<p>${escapeHtml(text)}</p>` : escapeHtml(text);
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const inner = this.parser.parseInline(tokens);
      const safe = safeHref(href);
      if (!safe) return inner;
      return `<a href="${escapeHtml(safe)}"${title ? ` title="${escapeHtml(title)}"` : ''} ${NEW_TAB}>${inner}</a>`;
    },
    image({ href, text }: Tokens.Image): string {
      const label = text ? msg(str`image: ${text}`) : msg('image');
      const safe = safeHref(href);
      if (!safe) return `<span class="image-alt">[${escapeHtml(label)}]</span>`;
      const why = msg('Images in replies are not loaded; open the link to see it.');
      return `<a class="image-link" href="${escapeHtml(safe)}" title="${escapeHtml(why)}" ${NEW_TAB}>[${escapeHtml(label)}]</a>`;
    },
    checkbox({ checked }: Tokens.Checkbox): string {
      return checked ? '☑ ' : '☐ ';
    },
  },
});

export interface MarkdownBlock {
  /** The block's Markdown source: equal source, equal HTML, so the page can keep its DOM. */
  raw: string;
  html: string;
}

/**
 * The reply as top-level blocks. A half-written code fence is a code block up to the end (as
 * CommonMark reads an unclosed fence), so streaming code looks like code from its first line.
 */
export function markdownBlocks(text: string): MarkdownBlock[] {
  const tokens = marked.lexer(text);
  return tokens
    .filter((t) => t.type !== 'space')
    .map((t) => ({ raw: t.raw, html: marked.parser(blockList(t, tokens)) }));
}

function blockList(block: Token, all: TokensList): TokensList {
  return Object.assign([block], { links: all.links });
}
