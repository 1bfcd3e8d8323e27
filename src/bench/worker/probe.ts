/**
 * The correctness probe's runs: a few greedy steps on one backend, logits kept (compared in
 * shared/probe-result.ts, which the page and the exports read too).
 */
import type { DecoderSession } from '../../engine/decoder-session';
import type { PlantedFault, ProbeTrace } from '../shared/probe-result';

type Decoder = Pick<DecoderSession, 'newCache' | 'forward'>;

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function argmin(values: Float32Array): number {
  let worst = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[worst]) worst = i;
  return worst;
}

/**
 * `steps` greedy steps after `promptIds`, keeping each step's logits. With `forced`, the tokens fed
 * back are those instead of this decoder's own picks.
 */
export async function traceGreedy(decoder: Decoder, promptIds: number[], steps: number, forced?: readonly number[], fault?: PlantedFault): Promise<ProbeTrace> {
  const cache = decoder.newCache();
  const trace: ProbeTrace = { tokenIds: [], logits: [] };
  try {
    let input = promptIds;
    for (let step = 0; step < steps; step++) {
      // A copy: the step's array is a view the next step may reuse.
      const logits = Float32Array.from(await decoder.forward(input, cache));
      if (fault && fault.step === step) logits[argmin(logits)] = logits[argmax(logits)] + 1;
      trace.logits.push(logits);
      const own = argmax(logits);
      trace.tokenIds.push(own);
      input = [forced?.[step] ?? own];
    }
  } finally {
    cache.dispose();
  }
  return trace;
}
