/**
 * One column per model, drawn from its loaded config and weights: the numbers (layers, heads,
 * hidden size, vocabulary, parameters) and the data path token → embedding → blocks → head. Each
 * block of the path opens a short card on what it computes.
 */
import { LitElement, css, html, nothing } from 'lit';
import { buttonStyles } from '../../styles/buttons';
import { customElement, property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { AnalysisModelInfo } from '../../core/analysis-protocol';
import { formatBytes } from '../format';
import { blockExplanation, blockTitle, LECTURE_ORDER, type BlockId } from './explanations';
import { labelSize, hiddenParts } from './projector';

@localized()
@customElement('tl-arch-diagram')
export class ArchDiagram extends LitElement {
  @property({ attribute: false }) decoder: AnalysisModelInfo | null = null;
  @property({ attribute: false }) encoder: AnalysisModelInfo | null = null;
  /** On a projector the numbers and the data path are two slides: 'numbers', 'path', or 'all'. */
  @property({ reflect: true }) show: 'all' | 'numbers' | 'path' = 'all';
  @state() private open: BlockId | null = null;

  static override styles = [buttonStyles, hiddenParts, css`
    :host { display: block; }
    .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
    .col { border: 1px solid var(--border); border-radius: 8px; padding: 0.6rem 0.8rem; background: var(--panel); }
    h3 { margin: 0 0 0.3rem; font-size: 1.05em; }
    .kind { color: var(--muted); font-size: ${labelSize(0.85)}; margin: 0 0 0.4rem; }
    dl { display: grid; grid-template-columns: auto 1fr; gap: 0.1rem 0.8rem; margin: 0 0 0.6rem; font-variant-numeric: tabular-nums; }
    dt { color: var(--muted); }
    dd { margin: 0; font-weight: 600; }
    ol { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; align-items: stretch; gap: 0.2rem; }
    li { text-align: center; }
    li.arrow { color: var(--muted); line-height: 1; }
    .stack { border: 2px dashed var(--border); border-radius: 8px; padding: 0.3rem; display: flex; flex-direction: column; gap: 0.2rem; }
    .stack-label { font-size: ${labelSize(0.8)}; color: var(--muted); }
    button.block { width: 100%; --button-padding: 0.3rem 0.5rem; }
    button.block[aria-expanded='true'] { outline: 3px solid var(--accent); }
    button.block.attn { background: color-mix(in srgb, var(--accent) 18%, var(--field)); }
    .token { font-family: ui-monospace, monospace; }
    .card { margin-top: 0.75rem; border: 2px solid var(--accent); border-radius: 8px; padding: 0.6rem 0.8rem; background: var(--panel); }
    .card h4 { margin: 0 0 0.3rem; }
    .card p { margin: 0 0 0.5rem; }
    .card button { --button-padding: 0.25rem 0.7rem; }
    /* The data path alone on a projector slide: arrows take less room than a line of text. */
    :host([show='path']) li.arrow { line-height: 0.85; }
    @media (max-width: 700px) { .columns { grid-template-columns: 1fr; } }
  `];

  private block(id: BlockId, text: string, extraClass = '') {
    return html`<button class="block ${extraClass}" aria-expanded=${this.open === id ? 'true' : 'false'} aria-controls="card"
      @click=${() => (this.open = this.open === id ? null : id)}>${text}</button>`;
  }

  private column(info: AnalysisModelInfo | null, role: 'decoder' | 'encoder') {
    if (!info) return html`<div class="col"><p class="kind">${msg('Loading the model…')}</p></div>`;
    const s = info.summary;
    const causal = role === 'decoder';
    return html`<div class="col" data-testid="column-${role}">
      <h3>${info.name}</h3>
      <p class="kind" ?hidden=${this.show === 'path'}>${causal ? msg('Decoder-only (GPT-style): predicts the next token') : msg('Encoder-only (BERT-style): fills in masked tokens')}</p>
      <dl ?hidden=${this.show === 'path'}>
        <dt>${msg('Layers')}</dt><dd data-testid="layers">${s.layers}</dd>
        <dt>${msg('Attention heads')}</dt><dd data-testid="heads">${s.heads}${s.kvHeads !== s.heads ? msg(str` (${s.kvHeads} key/value heads)`) : nothing}</dd>
        <dt>${msg('Hidden size')}</dt><dd data-testid="hidden">${s.hidden}</dd>
        <dt>${msg('MLP width')}</dt><dd>${s.intermediate}</dd>
        <dt>${msg('Vocabulary')}</dt><dd data-testid="vocab">${s.vocab.toLocaleString('en-US')}</dd>
        <dt>${msg('Context')}</dt><dd>${s.contextLength}</dd>
        <dt>${msg('Parameters')}</dt><dd data-testid="params" title=${msg('Counted in the weights of the ONNX file that runs')}>${info.parameters.toLocaleString('en-US')}</dd>
        <dt>${msg('Size')}</dt><dd><span data-testid="model-size">${formatBytes(info.modelBytes)}</span> · <span data-testid="backend">${info.backend}</span></dd>
      </dl>
      <ol ?hidden=${this.show === 'numbers'} aria-label=${msg(str`Data path of ${info.name}`)}>
        <li class="token">${causal ? msg('tokens so far') : msg('whole sentence, some tokens [MASK]')}</li>
        <li class="arrow" aria-hidden="true">↓</li>
        <li>${this.block('embedding', msg(str`Embedding ${s.vocab} × ${s.hidden}`))}</li>
        <li class="arrow" aria-hidden="true">↓</li>
        <li class="stack"><span class="stack-label">${msg(str`× ${s.layers} blocks`)}</span>
          ${this.block('norm', s.norm)}
          ${this.block('attention', causal ? msg(str`Causal self-attention, ${s.heads} heads`) : msg(str`Bidirectional self-attention, ${s.heads} heads`), 'attn')}
          ${this.block('softmax', msg('softmax over allowed keys'))}
          ${this.block('residual', msg('+ residual'))}
          ${this.block('mlp', msg(str`MLP ${s.hidden} → ${s.intermediate} → ${s.hidden} (${s.activation})`))}
          ${this.block('residual', msg('+ residual'))}
        </li>
        <li class="arrow" aria-hidden="true">↓</li>
        <li>${this.block('head', causal ? msg('LM head → next token') : msg('MLM head → masked tokens'))}</li>
      </ol>
    </div>`;
  }

  private card() {
    if (!this.open || this.show === 'numbers') return nothing;
    const index = LECTURE_ORDER.indexOf(this.open);
    const next = LECTURE_ORDER[(index + 1) % LECTURE_ORDER.length];
    return html`<div class="card" id="card" role="region" aria-live="polite" aria-label=${blockTitle(this.open)} data-testid="explain-card">
      <h4>${index + 1}/${LECTURE_ORDER.length} · ${blockTitle(this.open)}</h4>
      <p>${blockExplanation(this.open)}</p>
      <button @click=${() => (this.open = next)}>${msg(str`Next: ${blockTitle(next)}`)}</button>
      <button @click=${() => (this.open = null)}>${msg('Close')}</button>
    </div>`;
  }

  override render() {
    return html`<div class="columns">${this.column(this.decoder, 'decoder')}${this.column(this.encoder, 'encoder')}</div>${this.card()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-arch-diagram': ArchDiagram;
  }
}
