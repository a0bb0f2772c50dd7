/**
 * One self-updating line on stderr — records, pages, rate-limit waits — only when stderr is a
 * terminal, so pipes, files and CI logs stay clean.
 */
export class Progress {
  #records = 0;
  #pages = 0;
  #waits = 0;
  #waitedMs = 0;
  #status = "";
  #last = 0;
  #drawn = false;
  readonly #enabled: boolean;

  constructor(readonly stream: NodeJS.WritableStream & { isTTY?: boolean }) {
    this.#enabled = Boolean(stream.isTTY);
  }
  record(): void {
    this.#records++;
    this.#draw();
  }
  page(): void {
    this.#pages++;
    this.#draw(true);
  }
  /** A call waits for a rate or concurrency limit for `waitMs`. */
  rateLimitWait(waitMs: number): void {
    this.#waits++;
    this.#waitedMs += waitMs;
    this.#draw(true);
  }
  /** A word on what is happening (e.g. an ETM report's status while it is being built). */
  status(text: string): void {
    this.#status = text;
    this.#draw(true);
  }
  /** Ends the line so what follows (an error, the shell prompt) starts on its own. */
  done(): void {
    if (this.#drawn) this.stream.write("\n");
    this.#drawn = false;
  }
  #draw(force = false): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (!force && now - this.#last < 100) return;
    this.#last = now;
    this.#drawn = true;
    const waits = this.#waits ? `, ${this.#waits} rate-limit waits (${Math.round(this.#waitedMs / 1000)} s)` : "";
    const status = this.#status ? ` — ${this.#status}` : "";
    this.stream.write(`\r\x1b[2K${this.#records} records, ${this.#pages} pages${waits}${status}`);
  }
}
