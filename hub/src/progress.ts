/**
 * Progress of long work on stderr: a line redrawn in place on a terminal, a line every few
 * seconds in logs (CI), and always a final line.
 */
export interface ProgressCounts {
  done: number;
  total: number;
  detail?: string;
}

export class ProgressLine {
  readonly #label: string;
  readonly #stream: NodeJS.WriteStream;
  readonly #started = Date.now();
  readonly #interactive: boolean;
  #lastDraw = Date.now();

  constructor(label: string, stream: NodeJS.WriteStream = process.stderr) {
    this.#label = label;
    this.#stream = stream;
    this.#interactive = Boolean(stream.isTTY) && !process.env.CI;
  }

  #line(c: ProgressCounts): string {
    const seconds = (Date.now() - this.#started) / 1000;
    const rate = seconds > 0 ? c.done / seconds : 0;
    const pct = c.total > 0 ? Math.floor((100 * c.done) / c.total) : 100;
    const eta = rate > 0 && c.done < c.total ? `, ${Math.ceil((c.total - c.done) / rate)} s left` : '';
    const detail = c.detail ? ` ${c.detail}` : '';
    return `${this.#label} ${c.done}/${c.total} (${pct}%, ${rate.toFixed(0)}/s${eta})${detail}`;
  }

  update(c: ProgressCounts): void {
    const now = Date.now();
    const every = this.#interactive ? 100 : 2000;
    if (now - this.#lastDraw < every) {
      return;
    }
    this.#lastDraw = now;
    this.#stream.write(this.#interactive ? `\r\x1b[2K${this.#line(c)}` : `${this.#line(c)}\n`);
  }

  finish(c: ProgressCounts): void {
    const seconds = ((Date.now() - this.#started) / 1000).toFixed(1);
    const line = `${this.#line(c)} in ${seconds} s`;
    this.#stream.write(this.#interactive ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}
