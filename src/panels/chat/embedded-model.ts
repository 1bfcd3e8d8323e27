/**
 * What the chat says about the embedded default model: its size, read from its model card (which the
 * training scripts write from the trained weights), so the page never states a number of its own.
 */
import defaultModelCard from '../../../models/tl-gpt/README.md?raw';
import { resolveModelParam } from '../../models/catalog';

/** The count in the card's table row `| parameters | 1,311,872 (fp32) |`, or null if the card has none. */
export function parameterCountFromCard(card: string): number | null {
  const match = /^\|\s*parameters\s*\|\s*([\d,]+)/m.exec(card);
  return match ? Number(match[1].replace(/,/g, '')) : null;
}

/** Parameters of the default model (tl-gpt, catalog's DEFAULT_MODEL), from its card. */
export const DEFAULT_MODEL_PARAMETERS = parameterCountFromCard(defaultModelCard);

/** "1.3M": two significant digits, as the size of a model is said. */
export function formatParameters(count: number): string {
  return count >= 1e9 ? `${Number((count / 1e9).toPrecision(2))}B` : count >= 1e6 ? `${Number((count / 1e6).toPrecision(2))}M` : `${Number((count / 1e3).toPrecision(2))}K`;
}

/** Whether a loaded model (its folder URL, as ModelInfo gives it) is the embedded default one. */
export function isDefaultModel(modelUrl: string, pageUrl: string = document.baseURI): boolean {
  return new URL(resolveModelParam(null), pageUrl).href === modelUrl;
}
