/**
 * The chat: streaming replies, Stop (or Esc), New chat, Enter to send and Shift+Enter for a newline.
 * Replies are shown as sanitized Markdown (markdown-view.ts: no HTML, no script, no remote request),
 * or as plain text when the user prefers; what the user types is always bound as text.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { chatStyles } from './chat-styles';
import { customElement, property, query, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { EngineClient } from '../../clients/engine-client';
import type { ChatMessage, EngineErrorInfo, GenerationSettings, GenerationStats, ModelInfo, StopReason } from '../../core/protocol';
import { toErrorInfo } from '../../core/errors';
import { errorText, stopNoteText } from '../../i18n/engine-text';
import './chat-settings';
import './conversations-bar';
import './markdown-view';
import { DEFAULT_MODEL_PARAMETERS, formatParameters, isDefaultModel } from './embedded-model';
import { loadPlainTextReplies, savePlainTextReplies } from './reply-format';
import { exportConversations, messagesForModel, type ConversationsState, type Interruption, type StoredMessage } from './conversations-store';
import { pageConversations } from './conversations-controller';
import { importReportText } from './conversation-import';
import { loadDraft, saveDraft } from './chat-drafts';
import { interruptionNote } from './interruption-note';
import { liveFigures } from './live-figures';

/** The browser tests read these figures by these ids. */
const LIVE_FIGURE_TEST_IDS = { timeToFirstToken: 'ttft', decode: 'decode-rate', prefill: 'prefill-rate' } as const;

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
  interruptedBy?: Interruption;
}

/** The reply being written: where its question was stored, so the reply lands next to it. */
interface InFlight {
  conversationId: string;
  question: StoredMessage;
  index: number;
  reply: Turn;
  /** Written already when the page was hidden for good (closed or reloaded). */
  saved: boolean;
}

const sameMessage = (a: ChatMessage | undefined, b: ChatMessage) => a?.role === b.role && a.content === b.content;

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
  /** The page's conversations (shared by every visit to the tab, synced with other tabs). */
  private readonly store = pageConversations();
  /** Saved conversations; the active one is what `turns` shows. */
  @state() private conversations: ConversationsState = this.store.state;
  @state() private conversationsNote: string | null = null;
  /** Replies as the model's plain text instead of rendered Markdown (a remembered choice). */
  @state() private plainText = loadPlainTextReplies();
  private inFlight: InFlight | null = null;
  /** Why the reply in flight is being stopped, for the note under it. */
  private interruption: Interruption | null = null;
  private unsubscribe: (() => void) | null = null;
  @query('textarea') private input!: HTMLTextAreaElement;
  @query('.log') private log!: HTMLElement;

  static override styles = [buttonStyles, chatStyles];

  private readonly onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && this.generationId !== null) {
      event.preventDefault();
      this.stop();
    }
  };

  /** A language switch re-renders every string: the reply in flight ends first, kept with its note. */
  private readonly onLocale = (event: Event) => {
    if ((event as CustomEvent<{ status: string }>).detail?.status === 'loading') this.interrupt('language');
  };

  /** Closing or reloading the tab: the partial reply is written now, with its note, as Stop would. */
  private readonly onPageHide = (event: PageTransitionEvent) => {
    const flight = this.inFlight;
    if (!flight || flight.saved || event.persisted) return;
    flight.saved = true;
    this.store.answer(flight.conversationId, flight.question, flight.index, { role: 'assistant', content: flight.reply.content, interruptedBy: 'page-closed' });
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('lit-localize-status', this.onLocale);
    window.addEventListener('pagehide', this.onPageHide);
    this.unsubscribe = this.store.subscribe(() => this.onConversationsChanged());
    this.conversations = this.store.state;
    this.showActiveConversation();
  }

  private get activeConversation() {
    return this.store.active;
  }

  private showActiveConversation(): void {
    this.turns = this.activeConversation.messages.map((m) => ({ ...m }));
    this.draft = loadDraft(this.store.activeId);
    this.stats = null;
    this.error = null;
  }

  /** Another tab (or this one) changed the conversations: the list follows, and so do the turns shown. */
  private onConversationsChanged(): void {
    const switched = this.store.activeId !== this.conversations.activeId;
    this.conversations = this.store.state;
    const refused = msg('The browser refused to save conversations (storage full or disabled); export them to keep them.');
    if (this.store.saveRefused) this.conversationsNote = refused;
    else if (this.conversationsNote === refused) this.conversationsNote = null;
    if (switched) this.showActiveConversation();
    else if (!this.inFlight) this.syncTurns();
  }

  /** The stored turns of the open conversation, keeping each shown turn (and its stats) that is unchanged. */
  private syncTurns(): void {
    const stored = this.activeConversation.messages;
    if (stored.length === this.turns.length && stored.every((m, i) => sameMessage(this.turns[i], m))) return;
    this.turns = stored.map((m, i) => (sameMessage(this.turns[i], m) ? this.turns[i] : { ...m }));
  }

  /** Keeps the draft of this tab and conversation across reloads. */
  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('draft' as keyof ChatPanel)) saveDraft(this.store.activeId, this.draft);
    // Loading a model (or switching the backend) ends the reply in flight, kept with its note.
    if (changed.has('busy') && this.busy) this.interrupt('model-load');
  }

  private selectConversation(id: string): void {
    if (id === this.store.activeId) return;
    this.interrupt('switch-conversation');
    this.store.select(id);
  }

  private deleteConversation(): void {
    if (this.generating) return;
    this.store.delete(this.store.activeId);
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
    if (this.generating) return;
    try {
      this.conversationsNote = importReportText(this.store.import(json));
    } catch (error) {
      this.conversationsNote = (error as Error).message;
    }
  }

  override disconnectedCallback(): void {
    // The app builds the panel anew on each visit: a reply in flight ends here, kept with its note.
    this.interrupt('left-chat');
    document.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('lit-localize-status', this.onLocale);
    window.removeEventListener('pagehide', this.onPageHide);
    this.unsubscribe?.();
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
    const question: StoredMessage = { role: 'user', content: text };
    const conversationId = this.store.activeId;
    const shown = () => this.store.activeId === conversationId;
    this.turns = [...this.turns, { ...question }, reply];
    this.draft = '';
    const flight: InFlight = { conversationId, question, index: -1, reply, saved: false };
    this.inFlight = flight;
    // Stored before the request leaves: a reload or crash mid-reply keeps the message in the conversation.
    flight.index = this.store.append(conversationId, [question]);
    const handle = this.client.generate(messages, this.settings, (token) => {
      reply.content += token.text;
      reply.tokenIds!.push(token.tokenId);
      if (!shown()) return;
      this.stats = token.stats;
      this.turns = [...this.turns];
    });
    this.generationId = handle.id;
    try {
      const result = await handle.done;
      const interruptedBy = result.reason === 'aborted' ? (this.interruption ?? 'stop') : undefined;
      Object.assign(reply, { content: result.text, tokenIds: result.tokenIds, reason: result.reason, contextLength: this.model?.contextLength, streaming: false, gpuPickedSteps: result.gpuPickedSteps, interruptedBy });
      if (!flight.saved) this.store.answer(conversationId, question, flight.index, { role: 'assistant', content: result.text, ...(interruptedBy ? { interruptedBy } : {}) });
      if (shown()) this.stats = result.stats;
      this.lastSeed = result.seed;
    } catch (error) {
      // The prompt is given back, so nothing typed is lost.
      this.store.withdraw(conversationId, question, flight.index);
      if (shown()) this.draft = text;
      else saveDraft(conversationId, text);
      this.error = toErrorInfo(error);
      // The app restarts the engine after a GPU loss or a crash; the conversation stays here.
      this.dispatchEvent(new CustomEvent('engine-error', { detail: { name: this.error.name }, bubbles: true, composed: true }));
    } finally {
      this.generationId = null;
      this.inFlight = null;
      this.interruption = null;
      this.syncTurns();
      this.turns = [...this.turns];
      await this.updateComplete;
      this.input?.focus();
    }
  }

  /** Ends the reply in flight as Stop does; the note under it says `cause`. */
  private interrupt(cause: Interruption): void {
    if (this.generationId === null) return;
    this.interruption ??= cause;
    this.client?.abort(this.generationId);
  }

  private stop(): void {
    this.interrupt('stop');
  }

  private newChat(): void {
    this.interrupt('new-chat');
    // The finished conversation stays in the list; an empty one is reused.
    if (this.activeConversation.messages.length || this.generating) this.store.create();
    else {
      this.stats = null;
      this.error = null;
    }
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
    const stopNote = turn.interruptedBy ? interruptionNote(turn.interruptedBy) : stopNoteText(turn.reason, turn.contextLength, { empty, maxNewTokens: turn.maxNewTokens });
    const markdown = turn.role === 'assistant' && !this.plainText;
    return html`<div class="turn ${turn.role}" data-role=${turn.role} data-token-ids=${turn.tokenIds ? JSON.stringify(turn.tokenIds) : nothing}
        data-stop-reason=${turn.reason ?? nothing} data-interrupted-by=${turn.interruptedBy ?? nothing} data-gpu-picks=${turn.gpuPickedSteps ?? nothing} data-streaming=${turn.streaming ? 'true' : 'false'} data-text=${turn.content}>
      <div class="role">${turn.role === 'user' ? msg('You') : (this.model?.name ?? msg('Model'))}</div>
      ${markdown ? html`<tl-markdown class="content" .text=${turn.content}></tl-markdown>` : html`<p class="content">${turn.content}</p>`}
      ${stopNote ? html`<div class="stop-note" data-testid="stop-note">${stopNote}</div>` : nothing}
    </div>`;
  }

  private renderStats() {
    const s = this.stats;
    if (!s) return nothing;
    return html`<div class="stats" data-testid="run-stats" aria-live="off">
      ${liveFigures(s).map((f) => html`<span>${f.label} <strong data-testid=${LIVE_FIGURE_TEST_IDS[f.key]}>${f.value}</strong></span>`)}
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
    return html`<div class="main">
      <tl-conversations-bar .state=${this.conversations} .note=${this.conversationsNote} ?busy=${this.generating}
        @conversation-select=${(e: CustomEvent<string>) => this.selectConversation(e.detail)}
        @conversation-delete=${this.deleteConversation}
        @conversations-export=${this.exportConversations}
        @conversations-import=${(e: CustomEvent<string>) => this.importConversations(e.detail)}
        @system-change=${(e: CustomEvent<string>) => this.store.setSystem(this.store.activeId, e.detail)}
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
      </div>
      <aside class="side" aria-label=${msg('Live figures and settings')}>
        ${this.renderStats()}
        <tl-chat-settings .settings=${this.settings} .lastSeed=${this.lastSeed}></tl-chat-settings>
      </aside>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-chat-panel': ChatPanel;
  }
}
