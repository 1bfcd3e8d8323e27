/**
 * The Markdown of replies, before the sanitizer: what instruct models write renders, and nothing a
 * model writes becomes markup, a dangerous link or an image the browser would fetch. (The sanitized
 * DOM is tested in the browser: test/e2e/chat-markdown.spec.ts.)
 */
import { describe, expect, it } from 'vitest';
import { markdownBlocks, safeHref } from '../../src/panels/chat/markdown-render';

const render = (text: string) => markdownBlocks(text).map((b) => b.html).join('');

describe('Markdown replies', () => {
  it('render headings, lists, tables, emphasis and fenced code', () => {
    const html = render('# Plan\n\n1. first\n2. **second**\n\n- a\n- `b`\n\n| x | y |\n|---|:-:|\n| 1 | 2 |\n\n```python\nprint("<hi>")\n```\n');
    expect(html).toContain('<h1>Plan</h1>');
    expect(html).toMatch(/<ol>\s*<li>first<\/li>\s*<li><strong>second<\/strong><\/li>/);
    expect(html).toContain('<li><code>b</code></li>');
    expect(html).toMatch(/<table>[\s\S]*<th>x<\/th>[\s\S]*<td align="center">2<\/td>/);
    expect(html).toContain('<pre><code class="language-python">print(&quot;&lt;hi&gt;&quot;)');
  });

  it('shows HTML the model writes as text', () => {
    for (const attack of ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=1</script>', '<iframe src="javascript:1"></iframe>', 'inline <b onmouseover=x>b</b> tag']) {
      const html = render(attack);
      expect(html, attack).not.toMatch(/<(img|script|iframe|b)\b/);
      expect(html, attack).toContain('&lt;');
    }
  });

  it('links only to http(s) and mailto, in a new tab without opener or referrer', () => {
    expect(render('[site](https://example.org/a?b=1&c=2)')).toBe('<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">site</a></p>\n');
    expect(render('[mail](mailto:a@example.org)')).toContain('href="mailto:a@example.org"');
    expect(render('see www.example.org')).toContain('href="http://www.example.org/"');
    for (const href of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'jav&#x61;script:alert(1)', 'jav%61script:alert(1)',
      'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', '/relative', '//evil.example/x', 'file:///etc/passwd']) {
      const html = render(`[click](${href}) and [ref][r]\n\n[r]: ${href}`);
      expect(html, href).not.toContain('<a');
      expect(html, href).toContain('click');
    }
  });

  it('never makes an image: a remote one becomes a link with its alt text', () => {
    const html = render('![a cat](http://127.0.0.1:9/beacon) ![](data:image/png;base64,AAAA) <img src="http://127.0.0.1:9/b2">');
    expect(html).not.toContain('<img');
    expect(html).toContain('<a class="image-link" href="http://127.0.0.1:9/beacon"');
    expect(html).toContain('[image: a cat]');
    expect(html).toContain('<span class="image-alt">[image]</span>');
  });

  it('keeps finished blocks unchanged while a reply streams, and shows a half-written fence as code', () => {
    const full = '# Title\n\nSome text.\n\n```js\nconst a = 1;\nconsole.log(a);\n```\n\nDone.';
    const finished = markdownBlocks(full);
    for (let end = full.indexOf('```') + 5; end < full.length; end += 7) {
      const partial = markdownBlocks(full.slice(0, end));
      expect(partial.slice(0, 2)).toEqual(finished.slice(0, 2));
      expect(partial[2].html, full.slice(0, end)).toMatch(/^<pre><code class="language-js">/);
    }
  });

  it('safeHref gives the address to write, or null', () => {
    expect(safeHref('https://example.org/x y')).toBe('https://example.org/x%20y');
    expect(safeHref('java\tscript:alert(1)')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
  });
});
