/**
 * Speed against context length: for each length of the ladder that the model's context allows, one
 * greedy run whose prompt fills the cache to that length, then a few new tokens. Decode tok/s tells how
 * a step slows as the cache it reads grows; prefill tok/s, how a long prompt is taken in.
 */
import { benchPromptIds, throwIfCancelled, type Contender, type ModelFacts, type RunnerHooks } from './runner';
import type { BenchSettings, ContextPoint } from '../shared/types';
import { CURVE_NEW_TOKENS, ladderFor } from '../shared/context-ladder';

export async function measureContextCurve(c: Contender, model: ModelFacts, settings: BenchSettings, hooks: RunnerHooks): Promise<ContextPoint[] | null> {
  if (!settings.contextLadder?.length) return null;
  const rungs = ladderFor(settings.contextLadder, model.contextLength, CURVE_NEW_TOKENS, settings.contextLadderExact);
  const ids = benchPromptIds(rungs[rungs.length - 1] ?? 0, model.vocab);
  const points: ContextPoint[] = [];
  for (const [index, length] of rungs.entries()) {
    throwIfCancelled(hooks);
    hooks.onProgress('curve', index, rungs.length, 0, c.engine);
    const sample = await c.generate(ids.slice(0, length), CURVE_NEW_TOKENS, (t) => hooks.onProgress('curve', index, rungs.length, t, c.engine));
    points.push({ contextTokens: length, decodeTokensPerSecond: sample.decodeTokensPerSecond, prefillTokensPerSecond: sample.prefillTokensPerSecond });
  }
  return points;
}
