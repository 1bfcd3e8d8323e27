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

/** What the reply looked like, for the notes that explain an empty or cut reply. */
export interface ReplyShape {
  /** Nothing but whitespace was written. */
  empty?: boolean;
  /** The max new tokens setting the reply ran with. */
  maxNewTokens?: number;
}

/** The note under a reply that stopped for a reason the user should know; null for the ordinary ones. */
export function stopNoteText(reason: StopReason | undefined, contextLength: number | undefined, reply: ReplyShape = {}): string | null {
  if (reason === 'aborted') return msg('Stopped by you.');
  if (reason === 'context') return msg(str`Stopped at the model's context limit of ${contextLength ?? '?'} tokens. Start a new chat to continue.`);
  if (reason === 'max-tokens') {
    return msg(str`Cut off at the limit of ${reply.maxNewTokens ?? '?'} new tokens. For longer replies, raise "Max new tokens" in the generation settings below.`);
  }
  // An empty bubble would look like a broken page: say what happened instead.
  if (reason === 'eos' && reply.empty) return msg('The model ended its reply without writing anything.');
  if (reason === 'stop-string' && reply.empty) return msg('The reply began with one of your stop strings, so nothing is shown.');
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
