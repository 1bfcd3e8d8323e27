/** Generation settings: every field maps to one URL parameter, so a demo can be bookmarked. */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import type { GenerationSettings } from '../../core/protocol';
import { TOUR_PARAM, TOUR_STEPS } from '../architecture/tour-steps';

/** The lesson's tour step that shows what the sampling settings do, as a link into the Architecture tab. */
const PLAYGROUND_STEP = TOUR_STEPS.findIndex((step) => step.id === 'sampling') + 1;
const PLAYGROUND_HREF = `?panel=architecture&${TOUR_PARAM}=${PLAYGROUND_STEP}`;

interface Field {
  key: 'maxNewTokens' | 'temperature' | 'topK' | 'topP' | 'repetitionPenalty';
  /** Functions, so each render reads the current language. */
  label: () => string;
  min: number;
  max: number;
  step: number;
  hint: () => string;
}

const FIELDS: Field[] = [
  { key: 'maxNewTokens', label: () => msg('Max new tokens'), min: 1, max: 32768, step: 1, hint: () => msg('Upper bound on the reply length') },
  { key: 'temperature', label: () => msg('Temperature'), min: 0, max: 5, step: 0.05, hint: () => msg('0 = greedy: always the most likely token') },
  { key: 'topK', label: () => msg('Top-k'), min: 0, max: 100000, step: 1, hint: () => msg('Sample among the k most likely tokens; 0 = off') },
  { key: 'topP', label: () => msg('Top-p'), min: 0.01, max: 1, step: 0.01, hint: () => msg('Sample from the smallest set with this much probability; 1 = off') },
  { key: 'repetitionPenalty', label: () => msg('Repetition penalty'), min: 0.5, max: 5, step: 0.05, hint: () => msg('1 = off; above 1 discourages repeating tokens') },
];

@localized()
@customElement('tl-chat-settings')
export class ChatSettings extends LitElement {
  @property({ attribute: false }) settings!: GenerationSettings;
  @property({ type: Number }) lastSeed: number | null = null;

  static override styles = css`
    fieldset { border: 1px solid var(--border); border-radius: 8px; display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: 0.4rem 0.6rem; padding: 0.4rem 0.8rem 0.6rem; margin: 0; }
    legend { font-size: 0.85rem; color: var(--muted); }
    label { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.8rem; color: var(--muted); }
    input { font: inherit; padding: 0.3rem 0.4rem; border-radius: 6px; border: 1px solid var(--border); background: var(--field); color: var(--fg); }
    .seed-note, .help { grid-column: 1 / -1; font-size: 0.8rem; color: var(--muted); }
    /* After every field, the checkbox included: it takes the free cell beside Stop strings, a row less. */
    .help { margin: 0; order: 1; }
    .seed-note { order: 2; }
    .help a { color: var(--accent); }
    label.check { justify-content: flex-end; }
    label.check span { display: flex; align-items: center; gap: 0.3rem; color: var(--fg); }
  `;

  private emit(settings: GenerationSettings): void {
    this.dispatchEvent(new CustomEvent<GenerationSettings>('settings-change', { detail: settings, bubbles: true, composed: true }));
  }

  private onNumber(field: Field, event: Event): void {
    const input = event.target as HTMLInputElement;
    const value = Number(input.value);
    if (input.value === '' || !Number.isFinite(value)) return;
    const clamped = Math.min(field.max, Math.max(field.min, value));
    this.emit({ ...this.settings, [field.key]: field.step === 1 ? Math.round(clamped) : clamped });
  }

  /** Opens the lesson on the playground's tour step, in this page (the model stays loaded). */
  private readonly openPlayground = (event: Event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set(TOUR_PARAM, String(PLAYGROUND_STEP));
    history.replaceState(history.state, '', url);
    this.dispatchEvent(new CustomEvent<string>('show-panel', { detail: 'architecture', bubbles: true, composed: true }));
  };

  private onSeed(event: Event): void {
    const raw = (event.target as HTMLInputElement).value.trim();
    const value = Number(raw);
    this.emit({ ...this.settings, seed: raw === '' || !Number.isFinite(value) ? null : Math.abs(Math.round(value)) });
  }

  private onStops(event: Event): void {
    const raw = (event.target as HTMLInputElement).value;
    // Typed as \n and \t, since an input field cannot hold a newline.
    const unescape = (text: string) => text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
    this.emit({ ...this.settings, stopStrings: raw.split('|').filter(Boolean).map(unescape) });
  }

  override render() {
    const s = this.settings;
    return html`
      <fieldset>
        <legend>${msg('Generation settings')}</legend>
        ${FIELDS.map(
          (field) => html`<label title=${field.hint()}>${field.label()}
            <input type="number" name=${field.key} title=${field.hint()} min=${field.min} max=${field.max} step=${field.step} .value=${String(s[field.key])}
              @change=${(e: Event) => this.onNumber(field, e)} /></label>`,
        )}
        <label title=${msg('Same seed and settings give the same reply; empty = random')}>${msg('Seed')}
          <input type="number" name="seed" min="0" placeholder=${msg('random')} .value=${s.seed === null ? '' : String(s.seed)} @change=${this.onSeed} />
        </label>
        <label title=${msg('Stop before any of these strings; separate several with |')}>${msg('Stop strings')}
          <input type="text" name="stop" placeholder=${msg('e.g. \\n\\n|User:')} .value=${s.stopStrings.map((t) => t.replace(/\n/g, '\\n').replace(/\t/g, '\\t')).join('|')} @change=${this.onStops} />
        </label>
        <p class="help" data-testid="sampling-help">${msg('Temperature, top-k, top-p and the repetition penalty reshape the next token’s probabilities:')}
          <a href=${PLAYGROUND_HREF} @click=${this.openPlayground}>${msg('see and try each one in the sampling playground')}</a></p>
        <label class="check" title=${msg('Copies draft tokens from the conversation and checks several in one model call: the same reply, faster where it repeats text')}>
          <span><input type="checkbox" name="prompt-lookup" .checked=${s.promptLookup !== false}
            @change=${(e: Event) => this.emit({ ...this.settings, promptLookup: (e.target as HTMLInputElement).checked })} />${msg('Prompt lookup')}</span>
        </label>
        ${s.seed === null && this.lastSeed !== null
          ? html`<span class="seed-note">${msg(str`Last reply used seed ${this.lastSeed}: enter it to reproduce that reply.`)}</span>`
          : ''}
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tl-chat-settings': ChatSettings;
  }
}
