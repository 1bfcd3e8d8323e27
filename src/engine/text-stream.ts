/**
 * Streaming detokenization. Byte-level tokenizers split a Chinese character or an emoji over several
 * tokens that are not valid UTF-8 alone; decoding them one by one would flash U+FFFD. This decodes a
 * short window of ids and only releases text once it no longer ends in a replacement character.
 * The window starts a few prompt tokens back so that leading spaces come out as the model meant them.
 */

const REPLACEMENT = '\uFFFD';
const CONTEXT_TOKENS = 5;

export type DecodeFn = (ids: number[]) => string;

export class TokenTextStream {
  private readonly ids: number[];
  private prefixOffset: number;
  private readOffset: number;

  constructor(
    private readonly decode: DecodeFn,
    promptIds: readonly number[] = [],
  ) {
    this.ids = promptIds.slice(-CONTEXT_TOKENS);
    this.prefixOffset = 0;
    this.readOffset = this.ids.length;
  }

  /** Adds one token; returns the text it completes (often '', never half a character). */
  push(id: number): string {
    this.ids.push(id);
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const fullText = this.decode(this.ids.slice(this.prefixOffset));
    if (fullText.length > prefixText.length && !fullText.endsWith(REPLACEMENT)) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return fullText.slice(prefixText.length);
    }
    return '';
  }

  /** What is still held back at the end of generation (a dangling partial character shows as U+FFFD). */
  flush(): string {
    const prefixText = this.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const fullText = this.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return fullText.slice(prefixText.length);
  }
}

/**
 * Holds back text that might be the start of a stop string, and cuts the output where one appears,
 * so a stop string is never shown, not even for one frame.
 */
export class StopStringFilter {
  private pending = '';
  private stopped = false;

  constructor(private readonly stopStrings: readonly string[]) {}

  get hasStopped(): boolean {
    return this.stopped;
  }

  /** Returns the text that can be shown now. */
  push(text: string): string {
    if (this.stopped) return '';
    this.pending += text;
    let cut = -1;
    for (const stop of this.stopStrings) {
      if (!stop) continue;
      const at = this.pending.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stopped = true;
      const shown = this.pending.slice(0, cut);
      this.pending = '';
      return shown;
    }
    const hold = this.longestStopPrefixAtEnd();
    const shown = this.pending.slice(0, this.pending.length - hold);
    this.pending = this.pending.slice(this.pending.length - hold);
    return shown;
  }

  /** At the end of generation the held-back text was not a stop string after all. */
  flush(): string {
    const rest = this.stopped ? '' : this.pending;
    this.pending = '';
    return rest;
  }

  private longestStopPrefixAtEnd(): number {
    let longest = 0;
    for (const stop of this.stopStrings) {
      for (let n = Math.min(stop.length - 1, this.pending.length); n > longest; n--) {
        if (this.pending.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
