/** Where a spinner draws: stderr, so that stdout keeps only the report. */
export interface SpinnerStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const INTERVAL_MS = 80;

/**
 * A one-line spinner with a message, drawn only on a terminal: pipes, files and CI logs get nothing.
 * `stop` erases the line, so that whatever is printed next starts clean.
 */
export class Spinner {
  private timer: NodeJS.Timeout | null = null;
  private frame = 0;
  private text = '';

  constructor(private readonly stream: SpinnerStream) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  start(text: string): void {
    if (!this.enabled) return;
    this.text = text;
    this.draw();
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), INTERVAL_MS);
      this.timer.unref();
    }
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.stream.write('\r\u001b[2K');
  }

  /** Writes a message, keeping the spinner (if running) below it. */
  print(message: string): void {
    if (this.timer) this.stream.write('\r\u001b[2K');
    this.stream.write(message);
    if (this.timer) this.draw();
  }

  private draw(): void {
    this.stream.write(`\r\u001b[2K${FRAMES[this.frame % FRAMES.length]} ${this.text}`);
    this.frame++;
  }
}
