/**
 * ERNIE vs BERT masking on the same sentence: a phrase or entity is masked token by token (each
 * token alone, its neighbours visible: BERT's pre-training) and as a whole (ERNIE's knowledge
 * masking), and both embedded encoders fill it in.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisClient } from '../../clients/analysis-client';
import { describeError } from '../../i18n/engine-text';
import type { AnalysisModelInfo } from '../../core/analysis-protocol';
import { phraseUnits, positions, unitAt, type Span } from './masking-units';
import type { PickDetail } from './token-picker';
import { heldOutAccuracy } from './embedded-facts';
import { maskingLabel } from './explanations';
import './token-picker';
import { visibleToken } from './visible-token';
import { labelSize, hiddenParts } from './projector';

interface Guess {
  position: number;
  id: number;
  token: string;
  prob: number;
}

interface Outcome {
  tokenByToken: Guess[];
  whole: Guess[];
}

@localized()
@customElement('tl-ernie-bert')
export class ErnieBert extends LitElement {
  @property({ attribute: false }) client: AnalysisClient | null = null;
  @property({ attribute: false }) bert: AnalysisModelInfo | null = null;
  @property({ attribute: false }) ernie: AnalysisModelInfo | null = null;
  @property({ attribute: false }) ids: number[] = [];
  @property({ attribute: false }) special: boolean[] = [];
  /** The phrase to start on (the default sentence's demo phrase); else the first multi-token unit. */
  @property({ attribute: false }) presetSpan: Span | null = null;
  /** On a projector the comparison and the reason are two slides: 'compare', 'why', or 'all'. */
  @property() show: 'all' | 'compare' | 'why' = 'all';
  @state() private span: Span | null = null;
  @state() private outcomes: Partial<Record<'bert' | 'ernie', Outcome>> = {};
  @state() private error: string | null = null;
  private runId = 0;

  static override styles = [hiddenParts, css`
    :host { display: block; }
    table { border-collapse: collapse; margin-top: 0.5rem; }
    th, td { border: 1px solid var(--border); padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
    .tok { font-family: ui-monospace, monospace; white-space: pre; }
    .ok { color: var(--correct, #1f7a3d); font-weight: 600; }
    .miss { color: var(--error); }
    small { font-size: ${labelSize(0.83)}; }
    .hint { color: var(--muted); font-size: ${labelSize(0.85)}; }
    p.explain { max-width: 60rem; }
  `];

  private get tokens(): string[] {
    const vocab = this.bert?.vocabulary ?? [];
    return this.ids.map((id) => vocab[id] ?? `#${id}`);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('ids') || changed.has('bert') || changed.has('ernie')) {
      // Start on the first multi-token unit: an entity or a phrase, where the two maskings differ.
      const units = phraseUnits(this.tokens, this.special).filter((u) => !this.special[u.start]);
      const preset = this.presetSpan && this.presetSpan.end < this.ids.length ? this.presetSpan : null;
      this.span = preset ?? units.find((u) => u.end - u.start >= 2) ?? units[0] ?? null;
      void this.compare();
    }
  }

  private onPick(event: CustomEvent<PickDetail>): void {
    const { index, extend } = event.detail;
    if (extend && this.span) this.span = { start: Math.min(this.span.start, index), end: Math.max(this.span.end, index + 1) };
    else this.span = unitAt(phraseUnits(this.tokens, this.special), index) ?? { start: index, end: index + 1 };
    void this.compare();
  }

  private async guesses(model: AnalysisModelInfo, masked: number[]): Promise<Guess[]> {
    const mask = model.maskTokenId!;
    const ids = this.ids.map((id, i) => (masked.includes(i) ? mask : id));
    const result = await this.client!.encoderRun(model.slot, ids, masked, 1);
    return result.predictions.map((p) => ({ position: p.position, ...p.top[0] }));
  }

  private async compare(): Promise<void> {
    const run = ++this.runId;
    const span = this.span;
    if (!this.client || !span || !this.ids.length) return;
    // The previous phrase's results would sit under this phrase's caption until the encoders answer.
    this.outcomes = {};
    this.error = null;
    const outcomes: Partial<Record<'bert' | 'ernie', Outcome>> = {};
    try {
      for (const model of [this.bert, this.ernie]) {
        if (!model || model.maskTokenId === null) continue;
        const tokenByToken: Guess[] = [];
        for (const p of positions(span)) tokenByToken.push(...(await this.guesses(model, [p])));
        outcomes[model.slot as 'bert' | 'ernie'] = { tokenByToken, whole: await this.guesses(model, positions(span)) };
      }
      if (run === this.runId) {
        this.outcomes = outcomes;
        this.error = null;
      }
    } catch (error) {
      if (run === this.runId) this.error = describeError(error);
    }
  }

  private guessCells(guesses: Guess[] | undefined) {
    if (!guesses) return html`<td>…</td>`;
    const right = guesses.filter((g) => g.id === this.ids[g.position]).length;
    return html`<td data-correct=${right} data-total=${guesses.length}>
      <span class="tok">${guesses.map((g) => html`<span class=${g.id === this.ids[g.position] ? 'ok' : 'miss'}>${visibleToken(g.token)}</span>`)}</span>
      <br /><small>${msg(str`${right} of ${guesses.length} tokens right`)}</small></td>`;
  }

  private accuracy(model: AnalysisModelInfo) {
    const a = heldOutAccuracy(model);
    if (!a) return nothing;
    const [single, whole] = [(a.singleToken * 100).toFixed(1), (a.wholePhrase * 100).toFixed(2)];
    return html`<br /><small data-testid="accuracy-${model.slot}">${msg(str`Held-out: ${single}% of single tokens, ${whole}% of whole phrases right`)}</small>`;
  }

  override render() {
    const span = this.span;
    const selected = new Set(span ? positions(span) : []);
    const phrase = span ? this.tokens.slice(span.start, span.end).join('').trim() : '';
    return html`
      <div ?hidden=${this.show === 'why'}>
      <tl-token-picker .tokens=${this.tokens} .special=${this.special} .selected=${selected}
        label=${msg('Pick the phrase or entity to mask')} @pick=${this.onPick}></tl-token-picker>
      <p class="hint">${msg('Click a token to select its word, entity or phrase; Shift+click extends the selection.')}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${span
        ? html`<table data-testid="ernie-bert-table">
            <caption>${msg(str`Masked: “${phrase}” (${span.end - span.start} tokens)`)}</caption>
            <thead><tr><th>${msg('Encoder')}</th><th>${msg('Token by token (BERT-style)')}</th><th>${msg('Whole phrase at once (ERNIE-style)')}</th></tr></thead>
            <tbody>
              ${[this.bert, this.ernie].map((m) =>
                m ? html`<tr data-slot=${m.slot}><th scope="row">${m.name}<br /><small data-testid="masking-${m.slot}">${m.summary.masking ? maskingLabel(m.summary.masking) : ''}</small>${this.accuracy(m)}</th>
                  ${this.guessCells(this.outcomes[m.slot as 'bert' | 'ernie']?.tokenByToken)}${this.guessCells(this.outcomes[m.slot as 'bert' | 'ernie']?.whole)}</tr>` : nothing,
              )}
            </tbody></table>`
        : nothing}
      </div>
      <p class="explain" ?hidden=${this.show === 'compare'}>${msg('BERT hides single sub-word tokens, so a piece of a name can often be guessed from the rest of the name. ERNIE 1.0 (Baidu, 2019) hides whole phrases and named entities at once, so nothing of them is left to copy: the model has to know that “Mark” goes with “Twain”, or which words make up a Chinese phrase. Token by token is the easier test; the whole phrase is the one that needs knowledge. tl-bert was trained with token masking and tl-ernie with phrase/entity masking on the same text.')}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-ernie-bert': ErnieBert;
  }
}
