import { formatNumber } from '../stats.js';
import { escapeHtml } from './html.js';

/*
 * A histogram drawn as inline SVG, server-side: one <rect class="bar"> per bin (empty bins too, with zero height, so
 * a bin's index is its position), counts on a log scale so that a handful of outliers stays visible next to a bulk
 * of millions, and optional marks: the clipping range (everything outside is shaded), the quantization grid (ticks
 * under the axis at the representable values) and a pair of reference lines.
 */

export interface Grid {
  /** Value of the lowest code, distance between neighbouring codes, number of codes. */
  readonly first: number;
  readonly step: number;
  readonly count: number;
}

export interface HistogramChart {
  /** Unique prefix for the ids of the SVG's <title> and <desc>. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Bin counts over [lo, hi], equal widths. */
  readonly counts: ArrayLike<number>;
  readonly lo: number;
  readonly hi: number;
  readonly xLabel: string;
  readonly barClass?: string;
  /** Values outside are clipped: drawn as two dashed lines with the outside shaded. */
  readonly clip?: { readonly lo: number; readonly hi: number };
  /** Representable values, drawn as ticks under the axis (every k-th when they are too dense to tell apart). */
  readonly grid?: Grid;
  /** Two dashed reference lines (e.g. ±scale/2), with a label. */
  readonly bounds?: { readonly lo: number; readonly hi: number; readonly label: string };
}

export interface RenderedChart {
  readonly svg: string;
  /** When the grid is drawn sparsely: every `gridStride`-th code has a tick. */
  readonly gridStride: number;
}

const WIDTH = 760;
const HEIGHT = 250;
const LEFT = 56;
const RIGHT = 16;
const TOP = 22;
const BOTTOM = 54;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;
/** Grid ticks closer than this (in px) are thinned out. */
const MIN_TICK_GAP = 4;
/** Up to this many codes, each also gets a faint line across the plot. */
const MAX_GRID_LINES = 64;
/** Width of a character of the 11px labels, roughly, to keep them inside the picture. */
const APPROX_CHAR_WIDTH = 6.2;

const r2 = (v: number): string => String(Math.round(v * 100) / 100);

export function renderHistogram(c: HistogramChart): RenderedChart {
  const n = c.counts.length;
  const span = c.hi - c.lo;
  const xOf = (v: number): number => LEFT + ((v - c.lo) / span) * PLOT_W;
  let maxCount = 0;
  for (let i = 0; i < n; i++) maxCount = Math.max(maxCount, c.counts[i]!);
  const logMax = Math.log10(1 + maxCount) || 1;
  const yOf = (count: number): number => TOP + PLOT_H - (Math.log10(1 + count) / logMax) * PLOT_H;
  const barW = PLOT_W / n;
  const parts: string[] = [];

  if (c.clip) {
    const a = Math.max(LEFT, Math.min(LEFT + PLOT_W, xOf(c.clip.lo)));
    const b = Math.max(LEFT, Math.min(LEFT + PLOT_W, xOf(c.clip.hi)));
    if (a > LEFT) parts.push(`<rect class="zone" x="${LEFT}" y="${TOP}" width="${r2(a - LEFT)}" height="${PLOT_H}"/>`);
    if (b < LEFT + PLOT_W) parts.push(`<rect class="zone" x="${r2(b)}" y="${TOP}" width="${r2(LEFT + PLOT_W - b)}" height="${PLOT_H}"/>`);
  }

  let gridStride = 1;
  if (c.grid && c.grid.count > 0 && c.grid.step > 0) {
    const gap = (c.grid.step / span) * PLOT_W;
    gridStride = gap >= MIN_TICK_GAP ? 1 : Math.ceil(MIN_TICK_GAP / gap);
    const ticks: string[] = [];
    for (let k = 0; k < c.grid.count; k += gridStride) ticks.push(`M${r2(xOf(c.grid.first + k * c.grid.step))} ${TOP + PLOT_H + 1}v7`);
    if (c.grid.count <= MAX_GRID_LINES) {
      const lines = [];
      for (let k = 0; k < c.grid.count; k++) lines.push(`M${r2(xOf(c.grid.first + k * c.grid.step))} ${TOP}v${PLOT_H}`);
      parts.push(`<path class="grid-line" d="${lines.join('')}"/>`);
    }
    parts.push(`<path class="grid" data-codes="${c.grid.count}" data-stride="${gridStride}" d="${ticks.join('')}"/>`);
  }

  for (let i = 0; i < n; i++) {
    const count = c.counts[i]!;
    // A non-empty bin is at least 1.5 px tall, so a single outlier can be seen.
    const y = count > 0 ? Math.min(yOf(count), TOP + PLOT_H - 1.5) : TOP + PLOT_H;
    const from = c.lo + (span * i) / n;
    const to = c.lo + (span * (i + 1)) / n;
    parts.push(
      `<rect class="bar${c.barClass ? ` ${c.barClass}` : ''}" data-count="${count}" x="${r2(LEFT + i * barW)}" y="${r2(y)}" width="${r2(Math.max(barW - 0.5, 0.5))}" height="${r2(TOP + PLOT_H - y)}">` +
        `<title>${escapeHtml(`${formatNumber(from)} to ${formatNumber(to)}: ${count}`)}</title></rect>`,
    );
  }

  // Axes, with 5 value labels and counts at powers of ten.
  parts.push(`<path class="axis" d="M${LEFT} ${TOP}V${TOP + PLOT_H}H${LEFT + PLOT_W}"/>`);
  for (let k = 0; k <= 4; k++) {
    const v = c.lo + (span * k) / 4;
    parts.push(`<text class="tick-label" x="${r2(xOf(v))}" y="${TOP + PLOT_H + 20}" text-anchor="${k === 0 ? 'start' : k === 4 ? 'end' : 'middle'}">${escapeHtml(formatNumber(v))}</text>`);
  }
  for (let p = 1; p <= maxCount; p *= 10) {
    const y = yOf(p);
    parts.push(`<path class="axis" d="M${LEFT - 4} ${r2(y)}h4"/><text class="tick-label" x="${LEFT - 6}" y="${r2(y + 4)}" text-anchor="end">${p >= 1e6 ? p.toExponential(0) : p}</text>`);
  }
  parts.push(`<text class="axis-label" x="${LEFT + PLOT_W / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(c.xLabel)}</text>`);
  parts.push(`<text class="axis-label" x="12" y="${TOP + PLOT_H / 2}" text-anchor="middle" transform="rotate(-90 12 ${TOP + PLOT_H / 2})">count (log scale)</text>`);

  const marks: [number, number, string, string][] = [];
  if (c.clip) marks.push([c.clip.lo, c.clip.hi, 'clip', 'clip']);
  if (c.bounds) marks.push([c.bounds.lo, c.bounds.hi, 'clip', c.bounds.label]);
  for (const [lo, hi, cls, label] of marks) {
    for (const [v, side] of [[lo, 'lo'], [hi, 'hi']] as const) {
      const x = xOf(v);
      if (x < LEFT - 0.5 || x > LEFT + PLOT_W + 0.5) continue;
      parts.push(`<line class="${cls}" data-side="${side}" data-value="${v}" x1="${r2(x)}" y1="${TOP}" x2="${r2(x)}" y2="${TOP + PLOT_H}"/>`);
      // Labels point away from the range (lo to the left, hi to the right) unless that would leave the picture.
      const text = `${label} ${formatNumber(v)}`;
      const width = text.length * APPROX_CHAR_WIDTH;
      const outward = side === 'lo' ? x - 3 - width >= 2 : x + 3 + width <= WIDTH - 2;
      const toLeft = side === 'lo' ? outward : !outward;
      parts.push(`<text class="clip-label" x="${r2(toLeft ? x - 3 : x + 3)}" y="${TOP - 6}" text-anchor="${toLeft ? 'end' : 'start'}">${escapeHtml(text)}</text>`);
    }
  }

  const svg =
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${c.id}-title ${c.id}-desc">` +
    `<title id="${c.id}-title">${escapeHtml(c.title)}</title><desc id="${c.id}-desc">${escapeHtml(c.description)}</desc>\n${parts.join('\n')}\n</svg>`;
  return { svg, gridStride };
}
