/** One server-sent event, with the line its first field was on. */
export interface SseEvent {
  name: string | null;
  data: string;
  line: number;
}

/**
 * Incremental parser for the text/event-stream format, fed one line at a time (CR/LF already removed).
 * Lines starting with ':' are comments; `data` lines join with '\n'; a blank line dispatches.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class SseParser {
  private name: string | null = null;
  private data: string[] = [];
  private startLine = 0;

  /** Returns the event that this line completes, if any. */
  push(text: string, lineNo: number): SseEvent | null {
    if (text === '') return this.dispatch();
    if (text.startsWith(':')) return null;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (this.name === null && this.data.length === 0) this.startLine = lineNo;
    if (field === 'event') this.name = value;
    else if (field === 'data') this.data.push(value);
    return null;
  }

  /** Whether no event is in progress: the next line starts one. */
  idle(): boolean {
    return this.name === null && this.data.length === 0;
  }

  /** Flushes an event left without its closing blank line at the end of input. */
  end(): SseEvent | null {
    return this.dispatch();
  }

  private dispatch(): SseEvent | null {
    if (this.data.length === 0) {
      this.name = null;
      return null;
    }
    const event = { name: this.name, data: this.data.join('\n'), line: this.startLine };
    this.name = null;
    this.data = [];
    return event;
  }
}
