/** The note under a reply that ended early, saying which action of the user's ended it. */
import { msg } from '@lit/localize';
import type { Interruption } from './conversations-store';

export function interruptionNote(cause: Interruption): string {
  switch (cause) {
    case 'stop': return msg('Stopped by you.');
    case 'new-chat': return msg('Stopped here because you started a new chat.');
    case 'switch-conversation': return msg('Stopped here because you switched to another conversation.');
    case 'model-load': return msg('Stopped here because you loaded a model or switched the backend.');
    case 'language': return msg('Stopped here because you changed the language.');
    case 'left-chat': return msg('Stopped here because you left the Chat tab.');
    case 'page-closed': return msg('Stopped here because the page was closed or reloaded.');
  }
}
