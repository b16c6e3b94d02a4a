import type { GgufProgress } from '../requantize/options.js';
import { formatBytes, formatDuration } from './format-bytes.js';
import { visible } from './visible.js';

/** One progress line on stderr, redrawn at most 10 times a second; nothing at all unless enabled (stderr a TTY). */
export class ProgressLine {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(p: GgufProgress): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && !(p.tensorDone && p.index === p.count - 1)) return;
    this.lastDraw = now;
    const elapsed = Math.max((now - this.started) / 1000, 1e-3);
    const rate = p.bytesDone / elapsed;
    const pct = p.bytesTotal > 0 ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
    const eta = rate > 0 ? (p.bytesTotal - p.bytesDone) / rate : Infinity;
    const line =
      `tensors ${p.index + (p.tensorDone ? 1 : 0)}/${p.count}  ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} (${pct}%)  ` +
      `${formatBytes(rate)}/s  ETA ${formatDuration(eta)}  ${visible(p.name)} ${p.from}->${p.to}`;
    this.stream.write(`\r\x1b[K${line.slice(0, Math.max(20, (this.stream.columns || 120) - 1))}`);
    this.drawn = true;
  }

  /** Removes the line (before anything else is printed). */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
