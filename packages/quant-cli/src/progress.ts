import { visibleLines } from './safe-text.js';

/** Human-readable byte counts: 1.5 GiB, 12.0 MiB, 512 B. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${units[u]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A one-line progress display on stderr, redrawn at most 10 times a second: files and tensors done, bytes, rate, ETA.
 * Disabled (every method a no-op) unless stderr is a terminal and --quiet was not given.
 */
export class Progress {
  private filesDone = 0;
  private tensorsDone = 0;
  private bytesDone = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly enabled: boolean,
    private readonly totalFiles: number,
    private totalTensors: number,
    private totalBytes: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  static forStderr(quiet: boolean, files: number, tensors: number, bytes: number): Progress {
    return new Progress(!quiet && process.stderr.isTTY === true, files, tensors, bytes);
  }

  /** Tensors and bytes become known as files are opened. */
  addWork(tensors: number, bytes: number): void {
    this.totalTensors += tensors;
    this.totalBytes += bytes;
  }

  tensorDone(bytes: number): void {
    this.tensorsDone++;
    this.bytesDone += bytes;
    this.draw(false);
  }

  fileDone(): void {
    this.filesDone++;
    this.draw(true);
  }

  /** Prints a line above the progress display (a per-file message; control characters shown escaped). */
  log(line: string): void {
    if (!this.enabled) return;
    this.clear();
    this.stream.write(`${visibleLines(line)}\n`);
    this.draw(true);
  }

  private clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const elapsed = Math.max((now - this.started) / 1000, 1e-3);
    const rate = this.bytesDone / elapsed;
    const eta = rate > 0 ? (this.totalBytes - this.bytesDone) / rate : Infinity;
    const pct = this.totalBytes > 0 ? Math.floor((100 * this.bytesDone) / this.totalBytes) : 100;
    const line =
      `files ${this.filesDone}/${this.totalFiles}  tensors ${this.tensorsDone}/${this.totalTensors}  ` +
      `${formatBytes(this.bytesDone)}/${formatBytes(this.totalBytes)} (${pct}%)  ${formatBytes(rate)}/s  ETA ${formatDuration(eta)}`;
    this.stream.write(`\r\x1b[K${line.slice(0, Math.max(20, (this.stream.columns || 120) - 1))}`);
    this.drawn = true;
  }

  /** Removes the display (call before printing results). */
  finish(): void {
    if (this.enabled) this.clear();
  }
}
