/**
 * The embedded models' names as a list shows them, in the interface's language: the catalog
 * (src/models, which has no i18n) keeps one English label per model, the panels show this one.
 */
import { msg } from '@lit/localize';
import type { EmbeddedModel } from '../models/catalog';

export function embeddedModelLabel(model: EmbeddedModel): string {
  switch (model.id) {
    case 'tl-gpt': return msg('TL-GPT (embedded decoder)');
    case 'tl-bert': return msg('TL-BERT (embedded encoder)');
    case 'tl-ernie': return msg('TL-ERNIE (embedded encoder)');
    default: return model.label;
  }
}
