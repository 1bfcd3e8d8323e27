import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseUrlState, serializeUrlState, type UrlState } from '../../src/app/url-state';
import { DEFAULT_MODEL, EMBEDDED_MODELS, embeddedModelUrl, resolveModelParam } from '../../src/models/catalog';

describe('parseUrlState', () => {
  it('an empty query gives the defaults', () => {
    for (const search of ['', '?']) {
      expect(parseUrlState(search)).toEqual({ panel: 'chat', model: null, backend: 'auto', threads: undefined, settings: DEFAULT_SETTINGS });
    }
  });

  it('the documented demo link gives greedy settings on WASM for that model', () => {
    const url = 'https://example.org/models/my-gpt/';
    const state = parseUrlState(`?model=${encodeURIComponent(url)}&backend=wasm&temperature=0&max_new_tokens=40`);
    expect(state.model).toBe(url);
    expect(state.backend).toBe('wasm');
    expect(state.settings.temperature).toBe(0);
    expect(state.settings.maxNewTokens).toBe(40);
    // The rest stays at the defaults.
    expect(state.settings.topK).toBe(DEFAULT_SETTINGS.topK);
    expect(state.settings.topP).toBe(DEFAULT_SETTINGS.topP);
    expect(state.settings.seed).toBeNull();
  });

  it('reads every setting', () => {
    const state = parseUrlState('?backend=webgpu&threads=4&temperature=1.2&top_k=5&top_p=0.5&repetition_penalty=1.3&seed=42&stop=%0AUser&stop=END&prompt_lookup=0');
    expect(state.backend).toBe('webgpu');
    expect(state.threads).toBe(4);
    expect(state.settings).toEqual({
      maxNewTokens: DEFAULT_SETTINGS.maxNewTokens,
      temperature: 1.2,
      topK: 5,
      topP: 0.5,
      repetitionPenalty: 1.3,
      seed: 42,
      stopStrings: ['\nUser', 'END'],
      promptLookup: false,
    });
  });

  it('prompt lookup is on unless the link turns it off, and only "off" is written', () => {
    expect(parseUrlState('?prompt_lookup=1').settings.promptLookup).toBe(true);
    expect(parseUrlState('?prompt_lookup=yes').settings.promptLookup).toBe(true);
    const off = parseUrlState('?prompt_lookup=0');
    expect(off.settings.promptLookup).toBe(false);
    expect(serializeUrlState(off)).toBe('?prompt_lookup=0');
    expect(serializeUrlState(parseUrlState('?prompt_lookup=1'))).toBe('');
  });

  it('clamps out-of-range values into the allowed range', () => {
    const state = parseUrlState('?temperature=99&max_new_tokens=0&top_p=1.5&top_k=-3&repetition_penalty=0.1&threads=1000&seed=-5');
    expect(state.settings.temperature).toBe(5);
    expect(state.settings.maxNewTokens).toBe(1);
    expect(state.settings.topP).toBe(1);
    expect(state.settings.topK).toBe(0);
    expect(state.settings.repetitionPenalty).toBe(0.5);
    expect(state.threads).toBe(64);
    expect(state.settings.seed).toBe(0);
    const high = parseUrlState('?max_new_tokens=99999999&repetition_penalty=50&temperature=-1');
    expect(high.settings.maxNewTokens).toBe(32768);
    expect(high.settings.repetitionPenalty).toBe(5);
    expect(high.settings.temperature).toBe(0);
  });

  it('rounds integer settings', () => {
    const state = parseUrlState('?max_new_tokens=40.6&top_k=2.2&threads=2.5');
    expect(state.settings.maxNewTokens).toBe(41);
    expect(state.settings.topK).toBe(2);
    expect(Number.isInteger(state.threads)).toBe(true);
  });

  it('ignores junk and keeps the defaults', () => {
    const state = parseUrlState('?temperature=hot&max_new_tokens=&top_p=NaN&top_k=Infinity&backend=cuda&threads=many&seed=abc&model=%20%20&stop=&unknown=1');
    expect(state).toEqual({ panel: 'chat', model: null, backend: 'auto', threads: undefined, settings: DEFAULT_SETTINGS });
  });

  it('trims the model address', () => {
    expect(parseUrlState('?model=%20models/tl-gpt/%20').model).toBe('models/tl-gpt/');
  });

  it('does not share the default stop-string list between states', () => {
    const a = parseUrlState('');
    a.settings.stopStrings.push('x');
    expect(parseUrlState('').settings.stopStrings).toEqual([]);
    expect(DEFAULT_SETTINGS.stopStrings).toEqual([]);
  });
});

describe('serializeUrlState', () => {
  const defaults = (): UrlState => ({ panel: 'chat', model: null, backend: 'auto', threads: undefined, settings: { ...DEFAULT_SETTINGS, stopStrings: [] } });

  it('the defaults serialize to an empty query', () => {
    expect(serializeUrlState(defaults())).toBe('');
  });

  it('only non-default values are written', () => {
    const state = defaults();
    state.settings.temperature = 0;
    state.backend = 'wasm';
    const query = serializeUrlState(state);
    const params = new URLSearchParams(query);
    expect(query.startsWith('?')).toBe(true);
    expect([...params.keys()].sort()).toEqual(['backend', 'temperature']);
    expect(params.get('temperature')).toBe('0');
    expect(params.get('backend')).toBe('wasm');
  });

  it('round-trips through parse', () => {
    const state: UrlState = {
      panel: 'bench',
      model: 'https://huggingface.co/org/model/resolve/main/?x=1&y=2',
      backend: 'webgpu',
      threads: 8,
      settings: {
        maxNewTokens: 40,
        temperature: 0.25,
        topK: 0,
        topP: 0.9,
        repetitionPenalty: 1.1,
        seed: 1234,
        stopStrings: ['\n\nUser:', 'a&b=c', '你好'],
        promptLookup: false,
      },
    };
    expect(parseUrlState(serializeUrlState(state))).toEqual(state);
    expect(parseUrlState(serializeUrlState(defaults()))).toEqual(defaults());
  });

  it('parse → serialize keeps a shared link short and equivalent', () => {
    const query = serializeUrlState(parseUrlState('?backend=auto&temperature=0.7&top_k=40&max_new_tokens=40'));
    expect(query).toBe('?max_new_tokens=40');
  });
});

describe('model parameter (catalog)', () => {
  it('an embedded id resolves to its folder under the app base URL', () => {
    expect(resolveModelParam('tl-gpt')).toBe('/models/tl-gpt/');
    expect(resolveModelParam(' tl-bert ')).toBe('/models/tl-bert/');
    expect(embeddedModelUrl(EMBEDDED_MODELS[0], '/app/')).toBe('/app/models/tl-gpt/');
  });

  it('no model means the default embedded decoder', () => {
    expect(DEFAULT_MODEL.kind).toBe('decoder');
    expect(resolveModelParam(null)).toBe(`/${DEFAULT_MODEL.path}`);
    expect(resolveModelParam('   ')).toBe(`/${DEFAULT_MODEL.path}`);
  });

  it('a folder URL is passed through', () => {
    expect(resolveModelParam('https://example.org/m/')).toBe('https://example.org/m/');
  });
});

describe('addresses that servers accept', () => {
  const memory = () => {
    const data = new Map<string, string>();
    return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
  };

  it('a few stop strings travel in the link; thousands are kept in storage and the address stays short', async () => {
    const { keepStopStrings, stopStringsFitLink, MAX_STOP_QUERY_CHARS } = await import('../../src/app/url-state');
    const few = parseUrlState('?stop=END&stop=%0AUser');
    expect(parseUrlState(serializeUrlState(few)).settings.stopStrings).toEqual(['END', '\nUser']);
    const many = Array.from({ length: 3000 }, (_, i) => `stop-${i}`);
    expect(stopStringsFitLink(many)).toBe(false);
    const state = { ...parseUrlState(''), settings: { ...DEFAULT_SETTINGS, stopStrings: many, temperature: 0 } };
    const query = serializeUrlState(state);
    expect(query.length).toBeLessThan(MAX_STOP_QUERY_CHARS);
    expect(query).toContain('stop_kept=local');
    expect(query).toContain('temperature=0');
    const store = memory();
    expect(keepStopStrings(many, store)).toBe(true);
    expect(parseUrlState(query, store).settings.stopStrings).toEqual(many);
    // Without storage the link still opens, without the stop strings it could not carry.
    expect(parseUrlState(query, null).settings.stopStrings).toEqual([]);
  });
});
