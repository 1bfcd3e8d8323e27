/**
 * The one look of a button across the app's components (each has its own shadow root, so the page's
 * theme.css cannot reach inside): include it first in a component's `static styles` and override
 * only what differs there. `--button-padding` sizes a component's buttons without restating the rest.
 */
import { css } from 'lit';

export const buttonStyles = css`
  button {
    font: inherit; padding: var(--button-padding, 0.35rem 0.8rem); border-radius: 6px;
    border: 1px solid var(--border); background: var(--field); color: var(--fg); cursor: pointer;
  }
  /* The main action of a group, and the chosen one of a set of toggles. */
  button.primary, button[aria-pressed='true'] { background: var(--accent); color: var(--on-accent); border-color: var(--accent); }
  button:disabled { opacity: 0.55; cursor: default; }
`;
