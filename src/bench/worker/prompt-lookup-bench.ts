/**
 * Prompt-lookup speculative decoding, measured apart from plain decode (never mixed into its figures):
 * the same greedy reply with prompt lookup off and on, runs interleaved, on two prompts:
 *  - copying: an opening (the benchmark's fixed prompt), the model's own greedy continuation of it, and
 *    the opening again, so the reply repeats a passage of its prompt (models as small as the embedded
 *    one do not follow "repeat this text"; every model repeats what it wrote after the same opening);
 *  - non-copying: the benchmark's fixed prompt alone, where drafts are rare.
 * Each gives whole-reply time plain ÷ with prompt lookup, the draft acceptance rate, tokens per model
 * call, and whether the tokens were identical in every run (they must be: greedy is exact).
 */
import type { PromptLookupStats } from '../../engine/prompt-lookup';
import { spread } from '../shared/stats';
import type { BenchSettings, PromptLookupResult } from '../shared/types';

/** One greedy reply, timed from the call to its last token. */
export interface TimedReply {
  tokenIds: number[];
  totalMs: number;
  promptLookup: PromptLookupStats;
}

export async function measurePromptLookup(
  reply: (promptIds: number[], newTokens: number, promptLookup: boolean) => Promise<TimedReply>,
  opening: number[], contextLength: number, settings: BenchSettings, throwIfCancelled: () => void,
): Promise<PromptLookupResult[]> {
  throwIfCancelled();
  const written = await reply(opening, settings.newTokens, false);
  const copying = [...opening, ...written.tokenIds, ...opening];
  const prompts: [PromptLookupResult['prompt'], number[]][] = [['copying', copying], ['non-copying', opening]];
  const results: PromptLookupResult[] = [];
  for (const [prompt, promptIds] of prompts) {
    if (promptIds.length + settings.newTokens > contextLength) continue;
    const plain: TimedReply[] = [];
    const lookup: TimedReply[] = [];
    // A warm-up of each, then runs interleaved (plain first on even runs), as the main measurement does.
    await reply(promptIds, settings.newTokens, false);
    await reply(promptIds, settings.newTokens, true);
    for (let run = 0; run < settings.measuredRuns; run++) {
      for (const on of run % 2 ? [true, false] : [false, true]) {
        throwIfCancelled();
        (on ? lookup : plain).push(await reply(promptIds, settings.newTokens, on));
      }
    }
    const plainMs = spread(plain.map((r) => r.totalMs));
    const lookupMs = spread(lookup.map((r) => r.totalMs));
    const drafted = lookup.reduce((a, r) => a + r.promptLookup.drafted, 0);
    const accepted = lookup.reduce((a, r) => a + r.promptLookup.accepted, 0);
    const calls = lookup.reduce((a, r) => a + r.promptLookup.calls, 0);
    const tokens = lookup.reduce((a, r) => a + r.tokenIds.length, 0);
    const reference = JSON.stringify(plain[0].tokenIds);
    results.push({
      prompt,
      promptTokens: promptIds.length,
      plainMs,
      lookupMs,
      speedup: lookupMs.median > 0 ? plainMs.median / lookupMs.median : 0,
      acceptance: drafted ? accepted / drafted : 0,
      tokensPerCall: calls ? tokens / calls : 0,
      identicalTokens: [...plain, ...lookup].every((r) => JSON.stringify(r.tokenIds) === reference),
    });
  }
  return results;
}
