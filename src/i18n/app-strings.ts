/** Tab labels of the app's panels in the current language (the shell keeps English ids). */
import { msg } from '@lit/localize';

export function tabLabel(id: string, fallback: string): string {
  switch (id) {
    case 'chat': return msg('Chat');
    case 'models': return msg('Models');
    case 'bench': return msg('Benchmark');
    case 'architecture': return msg('Architecture');
    default: return fallback;
  }
}
