/**
 * A one-line progress display on stderr for work counted in steps (rows, queries): "<label> done/total (pct%)  ETA",
 * redrawn at most 10 times a second. Disabled (every method a no-op) unless stderr is a terminal and --quiet was not
 * given, like ../progress.ts, which counts files and tensors instead.
 */
export class StepProgress {
  private done = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly enabled: boolean,
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  static forStderr(quiet: boolean, label: string, total: number): StepProgress {
    return new StepProgress(!quiet && process.stderr.isTTY === true, label, total);
  }

  advance(steps = 1): void {
    this.done += steps;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    const elapsed = (now - this.started) / 1000;
    const eta = this.done > 0 ? Math.ceil((elapsed * (this.total - this.done)) / this.done) : Infinity;
    const pct = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
    const line = `${this.label} ${this.done}/${this.total} (${pct}%)  ETA ${Number.isFinite(eta) ? `${eta}s` : '--'}`;
    this.stream.write(`\r\x1b[K${line.slice(0, Math.max(20, (this.stream.columns || 120) - 1))}`);
    this.drawn = true;
  }

  /** Removes the display (call before printing results). */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
