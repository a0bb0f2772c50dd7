/** One self-updating line on stderr — only when stderr is a terminal, so pipes and logs stay clean. */
export class Progress {
  #records = 0;
  #pages = 0;
  #waits = 0;
  #last = 0;
  readonly #enabled: boolean;

  constructor(readonly stream: NodeJS.WriteStream = process.stderr) {
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
  rateLimitWait(): void {
    this.#waits++;
    this.#draw(true);
  }
  done(): void {
    if (this.#enabled && this.#last) this.stream.write("\n");
  }
  #draw(force = false): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (!force && now - this.#last < 200) return;
    this.#last = now;
    this.stream.write(`\r${this.#records} records, ${this.#pages} pages, ${this.#waits} rate-limit waits`);
  }
}
