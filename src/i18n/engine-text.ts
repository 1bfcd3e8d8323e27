/**
 * What the engine reports, worded in the user's language. Engine errors cross the worker as name
 * and params and are worded here with the engine's own sentences (src/core/error-wording.ts), which
 * msg() turns into the current language; a name without a wording keeps the message it came with.
 */
import { msg, str } from '@lit/localize';
import type { CorruptCopy, EngineErrorInfo, StopReason } from '../core/protocol';
import { toErrorInfo } from '../core/errors';
import { wordError } from '../core/error-wording';

export function corruptCopyText(reason: CorruptCopy): string {
  switch (reason.kind) {
    case 'unreadable':
      return msg(str`it could not be read (${reason.cause})`);
    case 'size':
      return msg(str`it has ${reason.actual} bytes instead of ${reason.expected}`);
    case 'sha256':
      return msg('its SHA-256 does not match the one the server gave');
  }
}

/** The note under a reply that stopped for a reason the user should know; null for the ordinary ones. */
export function stopNoteText(reason: StopReason | undefined, contextLength: number | undefined): string | null {
  if (reason === 'aborted') return msg('Stopped by you.');
  if (reason === 'context') return msg(str`Stopped at the model's context limit of ${contextLength ?? '?'} tokens. Start a new chat to continue.`);
  return null;
}

/** An engine error in the user's language: the sentence from its name and params, else its own message. */
export function errorText(error: Pick<EngineErrorInfo, 'name' | 'message' | 'params'>): string {
  return (error.params && wordError(error.name, error.params)) ?? error.message;
}

/** Whatever was thrown, in the user's language. */
export function describeError(error: unknown): string {
  return errorText(toErrorInfo(error));
}
