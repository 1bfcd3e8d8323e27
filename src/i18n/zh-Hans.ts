/** Simplified Chinese, loaded by @lit/localize when the user picks 中文. */
import { buildTemplates } from './catalog';
import { ZH_HANS } from './zh-Hans-catalog';

export const templates = buildTemplates(ZH_HANS);
