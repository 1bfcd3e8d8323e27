/**
 * The list of saved conversations and what can be done with them: switch, delete, export and
 * import as JSON, and the conversation's system prompt.
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg } from '@lit/localize';
import { conversationTitle, type Conversation, type ConversationsState } from './conversations-store';

/** The list's name of a conversation; one not yet started is named in the interface's language. */
function shownTitle(conversation: Conversation): string {
  const started = conversation.title || conversation.messages.some((m) => m.role === 'user' && m.content.trim());
  return started ? conversationTitle(conversation) : msg('New chat');
}

@localized()
@customElement('tl-conversations-bar')
// Re-renders when the language changes.
@localized()
export class ConversationsBar extends LitElement {
  @property({ attribute: false }) state!: ConversationsState;
  /** A reply is being written: switching ends it (kept, with a note); deleting and importing wait. */
  @property({ type: Boolean }) busy = false;
  @property() note: string | null = null;
  @state() private showSystem = false;

  static override styles = [buttonStyles, css`
    :host { display: block; }
    .row { display: flex; gap: 0.4rem; align-items: center; flex-wrap: wrap; }
    select, textarea { font: inherit; padding: 0.25rem 0.5rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: inherit; }
    select { max-width: 22rem; }
    :host { --button-padding: 0.25rem 0.5rem; }
    textarea { width: 100%; box-sizing: border-box; min-height: 3rem; margin-top: 0.4rem; resize: vertical; }
    .note { font-size: 0.85rem; color: var(--muted); }
    input[type='file'] { display: none; }
  `];

  private emit<T>(name: string, detail?: T): void {
    this.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
  }

  private async onImport(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.emit('conversations-import', await file.text());
    input.value = '';
  }

  override render() {
    const active = this.state.conversations.find((c) => c.id === this.state.activeId);
    return html`
      <div class="row">
        <label>${msg('Conversation')}
          <select aria-label=${msg('Conversation')} data-testid="conversation-select"
            @change=${(e: Event) => this.emit('conversation-select', (e.target as HTMLSelectElement).value)}>
            ${this.state.conversations.map((c) => html`<option value=${c.id} ?selected=${c.id === this.state.activeId}>${shownTitle(c)}</option>`)}
          </select>
        </label>
        <button ?disabled=${this.busy} @click=${() => this.emit('conversation-delete')}>${msg('Delete')}</button>
        <button @click=${() => this.emit('conversations-export')}>${msg('Export JSON')}</button>
        <button @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()} ?disabled=${this.busy}>${msg('Import JSON')}</button>
        <input type="file" accept="application/json,.json" data-testid="conversations-import" @change=${this.onImport} />
        <button aria-expanded=${this.showSystem ? 'true' : 'false'} @click=${() => (this.showSystem = !this.showSystem)}>
          ${msg('System prompt')}${active?.system ? ' ✓' : ''}
        </button>
      </div>
      ${this.showSystem
        ? html`<textarea aria-label=${msg('System prompt')} placeholder=${msg('Optional instructions sent before the conversation (models with a chat template)')}
            .value=${active?.system ?? ''} ?disabled=${this.busy}
            @change=${(e: Event) => this.emit('system-change', (e.target as HTMLTextAreaElement).value)}></textarea>`
        : nothing}
      ${this.note ? html`<div class="note" role="status" data-testid="conversations-note">${this.note}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-conversations-bar': ConversationsBar;
  }
}
