/**
 * The chat: streaming replies, Stop (or Esc), New chat, Enter to send and Shift+Enter for a newline.
 * Replies are shown as sanitized Markdown (markdown-view.ts: no HTML, no script, no remote request),
 * or as plain text when the user prefers; what the user types is always bound as text.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, query, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { EngineClient } from '../../clients/engine-client';
import type { ChatMessage, EngineErrorInfo, GenerationSettings, GenerationStats, ModelInfo, StopReason } from '../../core/protocol';
import { toErrorInfo } from '../../core/errors';
import { errorText, stopNoteText } from '../../i18n/engine-text';
import { formatRate } from '../format';
import './chat-settings';
import './conversations-bar';
import './markdown-view';
import { DEFAULT_MODEL_PARAMETERS, formatParameters, isDefaultModel } from './embedded-model';
import { loadPlainTextReplies, savePlainTextReplies } from './reply-format';
import {
  exportConversations, importConversations, loadConversations, loadDraft, messagesForModel, newConversation, saveConversations, saveDraft,
  type ConversationsState,
} from './conversations-store';

interface Turn extends ChatMessage {
  tokenIds?: number[];
  reason?: StopReason;
  /** The model's context length when the reply stopped, for the note under it. */
  contextLength?: number;
  /** The max new tokens setting the reply ran with, for the note when it was cut there. */
  maxNewTokens?: number;
  streaming?: boolean;
  /** Steps whose logits the engine picked on the GPU (shown to tests as data-gpu-picks). */
  gpuPickedSteps?: number;
}

@localized()
@customElement('tl-chat-panel')
export class ChatPanel extends LitElement {
  @property({ attribute: false }) client: EngineClient | null = null;
  @property({ attribute: false }) model: ModelInfo | null = null;
  @property({ attribute: false }) settings!: GenerationSettings;
  @property({ type: Boolean }) busy = false;

  @state() private turns: Turn[] = [];
  @state() private draft = '';
  @state() private generationId: number | null = null;
  @state() private stats: GenerationStats | null = null;
  @state() private error: EngineErrorInfo | null = null;
  @state() private lastSeed: number | null = null;
  /** Saved conversations; the active one is what `turns` shows. */
  @state() private conversations: ConversationsState = loadConversations();
  @state() private conversationsNote: string | null = null;
  /** Replies as the model's plain text instead of rendered Markdown (a remembered choice). */
  @state() private plainText = loadPlainTextReplies();
  @query('textarea') private input!: HTMLTextAreaElement;
  @query('.log') private log!: HTMLElement;

  static override styles = [buttonStyles, css`
    :host { display: flex; flex-direction: column; gap: 0.75rem; }
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
  `];

  private readonly onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && this.generationId !== null) {
      event.preventDefault();
      this.stop();
    }
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.onKeyDown);
    this.showActiveConversation();
    this.draft = loadDraft();
  }

  private get activeConversation() {
    return this.conversations.conversations.find((c) => c.id === this.conversations.activeId) ?? this.conversations.conversations[0];
  }

  private showActiveConversation(): void {
    this.turns = this.activeConversation.messages.map((m) => ({ ...m }));
    this.stats = null;
    this.error = null;
  }

  /**
   * Keeps the conversation and the draft across reloads. A streaming reply is saved when it ends;
   * the message it answers was saved when it was sent (see `send`), so a reload loses neither.
   */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('draft' as keyof ChatPanel)) saveDraft(this.draft);
    if (!changed.has('turns' as keyof ChatPanel) || this.turns.at(-1)?.streaming === true) return;
    this.saveTurns(this.turns);
  }

  private saveTurns(turns: readonly Turn[]): void {
    const messages: ChatMessage[] = turns.map(({ role, content }) => ({ role, content }));
    const active = this.activeConversation;
    if (JSON.stringify(active.messages) === JSON.stringify(messages)) return;
    this.updateConversations({ ...active, messages, updatedAt: Date.now() });
  }

  private updateConversations(changedConversation: ConversationsState['conversations'][number]): void {
    const conversations = this.conversations.conversations.map((c) => (c.id === changedConversation.id ? changedConversation : c));
    this.conversations = { ...this.conversations, conversations };
    this.conversationsNote = saveConversations(this.conversations) ? null : msg('The browser refused to save conversations (storage full or disabled); export them to keep them.');
  }

  private selectConversation(id: string): void {
    if (this.generating) return;
    this.conversations = { ...this.conversations, activeId: id };
    saveConversations(this.conversations);
    this.showActiveConversation();
  }

  private deleteConversation(): void {
    if (this.generating) return;
    const rest = this.conversations.conversations.filter((c) => c.id !== this.conversations.activeId);
    const list = rest.length ? rest : [newConversation()];
    this.conversations = { activeId: list[0].id, conversations: list };
    saveConversations(this.conversations);
    this.showActiveConversation();
  }

  private exportConversations(): void {
    const blob = new Blob([exportConversations(this.conversations.conversations)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `transformer-lab-conversations-${new Date().toISOString().slice(0, 10)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  private importConversations(json: string): void {
    try {
      const conversations = importConversations(this.conversations.conversations, json);
      const added = conversations.length - this.conversations.conversations.length;
      this.conversations = { activeId: conversations[0].id, conversations };
      saveConversations(this.conversations);
      this.showActiveConversation();
      this.conversationsNote = added === 1 ? msg('Imported 1 conversation.') : msg(str`Imported ${added} conversations.`);
    } catch (error) {
      this.conversationsNote = (error as Error).message;
    }
  }

  override disconnectedCallback(): void {
    document.removeEventListener('keydown', this.onKeyDown);
    super.disconnectedCallback();
  }

  private get generating(): boolean {
    return this.generationId !== null;
  }

  private async send(): Promise<void> {
    const text = this.draft;
    if (!text.trim() || !this.client || !this.model || this.generating || this.busy) return;
    this.error = null;
    const history: ChatMessage[] = this.turns.map(({ role, content }) => ({ role, content }));
    // The system prompt goes first; the chat template decides how (or whether) the model sees it.
    const messages: ChatMessage[] = messagesForModel({ system: this.activeConversation.system, messages: history }, [{ role: 'user', content: text }]);
    const reply: Turn = { role: 'assistant', content: '', streaming: true, tokenIds: [], maxNewTokens: this.settings.maxNewTokens };
    this.turns = [...this.turns, { role: 'user', content: text }, reply];
    // Saved before the request leaves: a reload or crash mid-reply keeps the message in the conversation.
    this.saveTurns(this.turns.slice(0, -1));
    this.draft = '';
    const handle = this.client.generate(messages, this.settings, (token) => {
      reply.content += token.text;
      reply.tokenIds!.push(token.tokenId);
      this.stats = token.stats;
      this.turns = [...this.turns];
    });
    this.generationId = handle.id;
    try {
      const result = await handle.done;
      Object.assign(reply, { content: result.text, tokenIds: result.tokenIds, reason: result.reason, contextLength: this.model?.contextLength, streaming: false, gpuPickedSteps: result.gpuPickedSteps });
      this.stats = result.stats;
      this.lastSeed = result.seed;
    } catch (error) {
      // The prompt is given back, so nothing typed is lost.
      this.turns = this.turns.slice(0, -2);
      this.draft = text;
      this.error = toErrorInfo(error);
      // The app restarts the engine after a GPU loss or a crash; the conversation stays here.
      this.dispatchEvent(new CustomEvent('engine-error', { detail: { name: this.error.name }, bubbles: true, composed: true }));
    } finally {
      this.generationId = null;
      this.turns = [...this.turns];
      await this.updateComplete;
      this.input?.focus();
    }
  }

  private stop(): void {
    if (this.generationId !== null) this.client?.abort(this.generationId);
  }

  private newChat(): void {
    this.stop();
    // The finished conversation stays in the list; an empty one is reused.
    if (this.activeConversation.messages.length) {
      const fresh = newConversation();
      this.conversations = { activeId: fresh.id, conversations: [fresh, ...this.conversations.conversations] };
      saveConversations(this.conversations);
    }
    this.turns = [];
    this.stats = null;
    this.error = null;
    this.input?.focus();
  }

  private onInputKey(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.send();
    }
  }

  protected override updated(): void {
    this.scrollToEnd();
  }

  /** Also after a Markdown reply renders (a frame after the update), so the newest line stays in view. */
  private scrollToEnd(): void {
    if (this.log) this.log.scrollTop = this.log.scrollHeight;
  }

  private setPlainText(plain: boolean): void {
    this.plainText = plain;
    savePlainTextReplies(plain);
  }

  private showModelsTab(): void {
    this.dispatchEvent(new CustomEvent('show-panel', { detail: 'models', bubbles: true, composed: true }));
  }

  /** Until another model is loaded: what the embedded model is, and where real chat models are. */
  private renderDefaultModelNote() {
    if (!this.model || !isDefaultModel(this.model.url)) return nothing;
    const about = DEFAULT_MODEL_PARAMETERS
      ? msg(str`${this.model.name} is a ${formatParameters(DEFAULT_MODEL_PARAMETERS)}-parameter teaching model that writes fortune-like text, not an assistant.`)
      : msg(str`${this.model.name} is a tiny teaching model that writes fortune-like text, not an assistant.`);
    return html`<p class="model-note" data-testid="default-model-note">${about}
      <button class="link" @click=${this.showModelsTab}>${msg('Real chat models are in the Models tab.')}</button></p>`;
  }

  private renderTurn(turn: Turn) {
    const empty = !turn.streaming && turn.content.trim() === '';
    const stopNote = stopNoteText(turn.reason, turn.contextLength, { empty, maxNewTokens: turn.maxNewTokens });
    const markdown = turn.role === 'assistant' && !this.plainText;
    return html`<div class="turn ${turn.role}" data-role=${turn.role} data-token-ids=${turn.tokenIds ? JSON.stringify(turn.tokenIds) : nothing}
        data-stop-reason=${turn.reason ?? nothing} data-gpu-picks=${turn.gpuPickedSteps ?? nothing} data-streaming=${turn.streaming ? 'true' : 'false'} data-text=${turn.content}>
      <div class="role">${turn.role === 'user' ? msg('You') : (this.model?.name ?? msg('Model'))}</div>
      ${markdown ? html`<tl-markdown class="content" .text=${turn.content}></tl-markdown>` : html`<p class="content">${turn.content}</p>`}
      ${stopNote ? html`<div class="stop-note" data-testid="stop-note">${stopNote}</div>` : nothing}
    </div>`;
  }

  private renderStats() {
    const s = this.stats;
    if (!s) return nothing;
    return html`<div class="stats" data-testid="run-stats" aria-live="off">
      <span>${msg('time to first token')} <strong data-testid="ttft">${s.timeToFirstTokenMs.toFixed(0)} ms</strong></span>
      <span>${msg('decode')} <strong data-testid="decode-rate">${formatRate(s.decodeTokensPerSecond)} tok/s</strong></span>
      <span>${msg('prefill')} <strong>${formatRate(s.prefillTokensPerSecond)} tok/s</strong></span>
      <span>${msg('prompt')} <strong>${s.promptTokens}</strong>${s.reusedPromptTokens
        ? html` (<span data-testid="reused-tokens" data-count=${s.reusedPromptTokens}>${msg(str`${s.reusedPromptTokens} kept from the previous turn`)}</span>)`
        : nothing} · ${msg('generated')} <strong data-testid="generated-count">${s.generatedTokens}</strong> ${msg('tokens')}</span>
      ${s.promptLookup && s.promptLookup.calls > 0
        ? html`<span data-testid="prompt-lookup-stat" data-calls=${s.promptLookup.calls} data-accepted=${s.promptLookup.accepted}>${msg('prompt lookup')} <strong>${(s.generatedTokens / s.promptLookup.calls).toFixed(2)}</strong> ${msg(str`tokens per model call (${s.promptLookup.accepted} draft tokens accepted)`)}</span>`
        : nothing}
      ${this.model ? html`<span>${msg('on')} <strong>${this.model.backend}</strong></span>` : nothing}
      <span>${msg('Timed on this reply as it streamed (sampling, text and a cold start included); the Benchmark times warmed-up greedy runs.')}</span>
    </div>`;
  }

  override render() {
    const ready = !!this.model && !this.busy;
    const mode = this.model?.hasChatTemplate ? msg('chat template') : msg('plain continuation (the model continues your text)');
    return html`
      <tl-conversations-bar .state=${this.conversations} .note=${this.conversationsNote} ?disabled=${this.generating}
        @conversation-select=${(e: CustomEvent<string>) => this.selectConversation(e.detail)}
        @conversation-delete=${this.deleteConversation}
        @conversations-export=${this.exportConversations}
        @conversations-import=${(e: CustomEvent<string>) => this.importConversations(e.detail)}
        @system-change=${(e: CustomEvent<string>) => this.updateConversations({ ...this.activeConversation, system: e.detail, updatedAt: Date.now() })}
      ></tl-conversations-bar>
      ${this.renderDefaultModelNote()}
      <div class="log" role="log" aria-label=${msg('Conversation')} aria-live="polite" @markdown-rendered=${this.scrollToEnd}>
        ${this.turns.length ? this.turns.map((t) => this.renderTurn(t)) : html`<p class="empty">${this.model ? msg(str`Say something to ${this.model.name}. Mode: ${mode}.`) : msg('Waiting for a model…')}</p>`}
      </div>
      ${this.error ? html`<div class="error" role="alert" data-testid="chat-error" data-error-name=${this.error.name}>${errorText(this.error)}</div>` : nothing}
      <div class="composer">
        <textarea aria-label=${msg('Message')} placeholder=${ready ? msg('Type a message; Enter sends, Shift+Enter adds a line') : msg('Loading the model…')}
          .value=${this.draft} @input=${(e: Event) => (this.draft = (e.target as HTMLTextAreaElement).value)} @keydown=${this.onInputKey}></textarea>
        <div class="buttons">
          ${this.generating
            ? html`<button class="primary" @click=${this.stop} title=${msg('Stop (Esc)')}>${msg('Stop')}</button>`
            : html`<button class="primary" @click=${() => this.send()} ?disabled=${!ready || !this.draft.trim()}>${msg('Send')}</button>`}
          <button @click=${this.newChat}>${msg('New chat')}</button>
        </div>
      </div>
      <div class="hint">${msg('Enter sends · Shift+Enter new line · Esc stops')}</div>
      <label class="display"><input type="checkbox" name="plainText" .checked=${this.plainText}
        @change=${(e: Event) => this.setPlainText((e.target as HTMLInputElement).checked)} />${msg('Show replies as plain text')}</label>
      ${this.renderStats()}
      <tl-chat-settings .settings=${this.settings} .lastSeed=${this.lastSeed}></tl-chat-settings>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-chat-panel': ChatPanel;
  }
}
