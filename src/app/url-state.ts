/**
 * The URL carries model, backend and generation settings, so a lecturer can bookmark an exact demo:
 * `?model=<folder URL>&backend=wasm&temperature=0&max_new_tokens=40`.
 */
import type { BackendPreference, GenerationSettings } from '../core/protocol';
import { readJsonSetting, writeSetting, type KeyValueStore, browserStorage } from '../core/safe-storage';

/**
 * The most the stop strings may add to the address. Servers refuse request lines past about 8 KB
 * (HTTP 414/431: a browser error page instead of the app), and a link is pasted into chats and mails;
 * longer stop strings are kept in this browser instead, and the address says so (`stop_kept=local`).
 */
export const MAX_STOP_QUERY_CHARS = 2048;
const STOP_STRINGS_KEY = 'tl.stop-strings.v1';
const STOPS_KEPT_PARAM = 'stop_kept';

export interface UrlState {
  /** Which panel is open (`?panel=`); the app falls back to chat for an unknown one. */
  panel: string;
  /** As written in the URL; null means the embedded default. */
  model: string | null;
  backend: BackendPreference;
  /** WASM threads; undefined lets the runtime decide. */
  threads: number | undefined;
  settings: GenerationSettings;
}

export const DEFAULT_SETTINGS: GenerationSettings = {
  maxNewTokens: 128,
  temperature: 0.7,
  topK: 40,
  topP: 0.95,
  repetitionPenalty: 1,
  seed: null,
  stopStrings: [],
  promptLookup: true,
};

/** Each setting: its URL name and the range a user can give it. */
const NUMERIC: { key: keyof GenerationSettings; param: string; min: number; max: number; integer: boolean }[] = [
  { key: 'maxNewTokens', param: 'max_new_tokens', min: 1, max: 32768, integer: true },
  { key: 'temperature', param: 'temperature', min: 0, max: 5, integer: false },
  { key: 'topK', param: 'top_k', min: 0, max: 1_000_000, integer: true },
  { key: 'topP', param: 'top_p', min: 0.01, max: 1, integer: false },
  { key: 'repetitionPenalty', param: 'repetition_penalty', min: 0.5, max: 5, integer: false },
];

function clampNumber(raw: string | null, min: number, max: number, integer: boolean): number | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  const clamped = Math.min(max, Math.max(min, value));
  return integer ? Math.round(clamped) : clamped;
}

export function parseUrlState(search: string, store: KeyValueStore | null = browserStorage()): UrlState {
  const params = new URLSearchParams(search);
  const stopStrings = params.get(STOPS_KEPT_PARAM) === 'local' ? keptStopStrings(store) : params.getAll('stop').filter(Boolean);
  const settings: GenerationSettings = { ...DEFAULT_SETTINGS, stopStrings };
  for (const { key, param, min, max, integer } of NUMERIC) {
    const value = clampNumber(params.get(param), min, max, integer);
    if (value !== undefined) (settings[key] as number) = value;
  }
  const seed = clampNumber(params.get('seed'), 0, 0x7fffffff, true);
  settings.seed = seed ?? null;
  // On unless the link turns it off (prompt_lookup=0): it never changes a reply, only its speed.
  settings.promptLookup = params.get('prompt_lookup') !== '0';
  const backendParam = params.get('backend');
  const backend: BackendPreference = backendParam === 'webgpu' || backendParam === 'wasm' ? backendParam : 'auto';
  return {
    panel: params.get('panel')?.trim() || 'chat',
    model: params.get('model')?.trim() || null,
    backend,
    threads: clampNumber(params.get('threads'), 1, 64, true),
    settings,
  };
}

/** Only what differs from the defaults goes into the URL, so shared links stay short. */
export function serializeUrlState(state: UrlState): string {
  const params = new URLSearchParams();
  if (state.panel !== 'chat') params.set('panel', state.panel);
  if (state.model) params.set('model', state.model);
  if (state.backend !== 'auto') params.set('backend', state.backend);
  if (state.threads !== undefined) params.set('threads', String(state.threads));
  for (const { key, param } of NUMERIC) {
    if (state.settings[key] !== DEFAULT_SETTINGS[key]) params.set(param, String(state.settings[key]));
  }
  if (state.settings.seed !== null) params.set('seed', String(state.settings.seed));
  if (stopStringsFitLink(state.settings.stopStrings)) for (const stop of state.settings.stopStrings) params.append('stop', stop);
  else params.set(STOPS_KEPT_PARAM, 'local');
  if (state.settings.promptLookup === false) params.set('prompt_lookup', '0');
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The characters the stop strings would add to the address. */
export function stopQueryChars(stopStrings: readonly string[]): number {
  return stopStrings.reduce((n, stop) => n + new URLSearchParams({ stop }).toString().length + 1, 0);
}

export function stopStringsFitLink(stopStrings: readonly string[]): boolean {
  return stopQueryChars(stopStrings) <= MAX_STOP_QUERY_CHARS;
}

/** Keeps stop strings too long for the address in this browser; false when storage refused them. */
export function keepStopStrings(stopStrings: readonly string[], store: KeyValueStore | null = browserStorage()): boolean {
  return writeSetting(STOP_STRINGS_KEY, JSON.stringify({ stopStrings }), store);
}

function keptStopStrings(store: KeyValueStore | null): string[] {
  const { stopStrings } = readJsonSetting<{ stopStrings?: unknown }>(STOP_STRINGS_KEY, {}, store);
  return Array.isArray(stopStrings) ? stopStrings.filter((s): s is string => typeof s === 'string' && s !== '') : [];
}
