/** The chat panel's look: the log, rendered Markdown replies, the composer and the stats line. */
import { css } from 'lit';

export const chatStyles = css`
    :host, .main, .side { display: flex; flex-direction: column; gap: 0.75rem; }
    .main { min-width: 0; }
    /* A wide window (1280×720 included) keeps the live figures and the settings beside the conversation,
       above the fold, instead of under the composer. */
    @media (min-width: 60rem) {
      :host { display: grid; grid-template-columns: minmax(0, 1fr) 28rem; gap: 1rem; align-items: start; }
      .side { gap: 0.5rem; }
      .side .stats { font-size: 0.75rem; gap: 0.1rem 0.8rem; }
    }
    .log { min-height: 14rem; max-height: 55vh; overflow-y: auto; border: 1px solid var(--border); border-radius: 8px; padding: 0.75rem; background: var(--panel); }
    .empty { color: var(--muted); }
    .turn { margin: 0 0 0.75rem; }
    .role { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
    .content { white-space: pre-wrap; word-break: break-word; margin: 0.15rem 0 0; }
    tl-markdown.content { display: block; white-space: normal; }
    tl-markdown .md-block > :first-child { margin-top: 0; }
    tl-markdown .md-block > :last-child { margin-bottom: 0.4rem; }
    tl-markdown p, tl-markdown li { white-space: pre-wrap; }
    tl-markdown h1, tl-markdown h2, tl-markdown h3, tl-markdown h4 { font-size: 1.05rem; margin: 0.6rem 0 0.3rem; }
    tl-markdown h1 { font-size: 1.2rem; }
    tl-markdown pre { margin: 0; padding: 0.5rem 0.6rem; overflow-x: auto; background: var(--field); border: 1px solid var(--border); border-radius: 6px; }
    tl-markdown code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
    tl-markdown :not(pre) > code { background: var(--field); padding: 0 0.25em; border-radius: 4px; }
    tl-markdown .code-block { position: relative; margin: 0.4rem 0; }
    tl-markdown button.copy { position: absolute; top: 0.3rem; right: 0.3rem; font-size: 0.75rem; padding: 0.1rem 0.5rem; }
    tl-markdown .copy-status { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    tl-markdown table { border-collapse: collapse; margin: 0.4rem 0; display: block; overflow-x: auto; }
    tl-markdown th, tl-markdown td { border: 1px solid var(--border); padding: 0.2rem 0.5rem; }
    tl-markdown blockquote { margin: 0.4rem 0; padding-left: 0.75rem; border-left: 3px solid var(--border); color: var(--muted); }
    tl-markdown a { color: var(--accent); }
    .model-note { font-size: 0.85rem; color: var(--muted); margin: 0; }
    button.link { padding: 0; border: none; background: none; color: var(--accent); text-decoration: underline; font-size: inherit; }
    .display { font-size: 0.8rem; color: var(--muted); display: flex; align-items: center; gap: 0.3rem; }
    .user .content { color: var(--user); }
    .stop-note { font-size: 0.8rem; color: var(--muted); }
    .composer { display: flex; gap: 0.5rem; align-items: stretch; }
    textarea { flex: 1; font: inherit; padding: 0.5rem; border-radius: 8px; border: 1px solid var(--border); background: var(--field); color: inherit; resize: vertical; min-height: 3rem; }
    .buttons { display: flex; flex-direction: column; gap: 0.4rem; }
    :host { --button-padding: 0.4rem 0.9rem; }
    .stats { display: flex; flex-wrap: wrap; gap: 1rem; font-size: 0.85rem; color: var(--muted); font-variant-numeric: tabular-nums; }
    .stats strong { color: var(--fg); }
    .error { color: var(--error); border: 1px solid var(--error); border-radius: 6px; padding: 0.5rem 0.75rem; }
    .hint { font-size: 0.8rem; color: var(--muted); }
  `;
