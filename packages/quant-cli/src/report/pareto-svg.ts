import type { UniformChoice } from '../analysis/file-view.js';
import { formatBpw } from '../analysis/rows.js';
import { formatNumber } from '../stats.js';
import { escapeHtml } from './html.js';

/*
 * The whole file's size / error trade-off as an inline SVG scatter plot: one <circle class="point"> per uniform
 * choice at (bits per weight, file SQNR in dB; higher is less error), the Pareto-optimal ones filled and joined by a
 * line. A choice with no error (infinite SQNR) sits on the top edge, marked as such; one with no number is left out.
 */

const WIDTH = 760;
const HEIGHT = 320;
const LEFT = 60;
const RIGHT = 20;
const TOP = 24;
const BOTTOM = 50;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = HEIGHT - TOP - BOTTOM;

const r2 = (v: number): string => String(Math.round(v * 100) / 100);

/** "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × a power of ten, about `count` of them. */
function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function padded(lo: number, hi: number, fallback: number): [number, number] {
  if (!(hi > lo)) return [lo - fallback, hi + fallback];
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

export interface ParetoChart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
}

export function renderPareto(c: ParetoChart, choices: readonly UniformChoice[]): string {
  const plotted = choices.filter((u) => !Number.isNaN(u.fileSqnrDb));
  const finite = plotted.filter((u) => Number.isFinite(u.fileSqnrDb)).map((u) => u.fileSqnrDb);
  const [x0, x1] = padded(Math.min(...plotted.map((u) => u.bitsPerWeight)), Math.max(...plotted.map((u) => u.bitsPerWeight)), 1);
  const [y0, y1] = finite.length > 0 ? padded(Math.min(...finite), Math.max(...finite), 5) : [0, 10];
  const xOf = (v: number): number => LEFT + ((v - x0) / (x1 - x0)) * PLOT_W;
  const yOf = (v: number): number => (Number.isFinite(v) ? TOP + PLOT_H - ((v - y0) / (y1 - y0)) * PLOT_H : TOP);
  const parts: string[] = [];
  parts.push(`<path class="axis" d="M${LEFT} ${TOP}V${TOP + PLOT_H}H${LEFT + PLOT_W}"/>`);
  for (const v of ticks(x0, x1, 6)) {
    parts.push(`<path class="axis" d="M${r2(xOf(v))} ${TOP + PLOT_H}v4"/><text class="tick-label" x="${r2(xOf(v))}" y="${TOP + PLOT_H + 18}" text-anchor="middle">${escapeHtml(formatNumber(v))}</text>`);
  }
  for (const v of ticks(y0, y1, 5)) {
    parts.push(`<path class="grid-line" d="M${LEFT} ${r2(yOf(v))}h${PLOT_W}"/><text class="tick-label" x="${LEFT - 6}" y="${r2(yOf(v) + 4)}" text-anchor="end">${escapeHtml(formatNumber(v))}</text>`);
  }
  parts.push(`<text class="axis-label" x="${LEFT + PLOT_W / 2}" y="${HEIGHT - 10}" text-anchor="middle">bits per weight (as stored)</text>`);
  parts.push(`<text class="axis-label" x="14" y="${TOP + PLOT_H / 2}" text-anchor="middle" transform="rotate(-90 14 ${TOP + PLOT_H / 2})">file SQNR (dB), higher is better</text>`);
  const front = plotted.filter((u) => u.pareto).sort((a, b) => a.bitsPerWeight - b.bitsPerWeight);
  if (front.length > 1) parts.push(`<polyline class="front" points="${front.map((u) => `${r2(xOf(u.bitsPerWeight))},${r2(yOf(u.fileSqnrDb))}`).join(' ')}"/>`);
  for (const u of plotted) {
    const text = `${u.choice.key}: ${formatBpw(u.bitsPerWeight)} bpw, file SQNR ${formatNumber(u.fileSqnrDb)} dB${u.pareto ? ' (Pareto-optimal)' : ''}`;
    parts.push(
      `<circle class="point${u.pareto ? ' front' : ''}" data-bpw="${u.bitsPerWeight}" data-sqnr="${u.fileSqnrDb}" cx="${r2(xOf(u.bitsPerWeight))}" cy="${r2(yOf(u.fileSqnrDb))}" r="${u.pareto ? 5 : 3.5}"><title>${escapeHtml(text)}</title></circle>`,
    );
  }
  return (
    `<svg class="chart pareto" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${c.id}-title ${c.id}-desc">` +
    `<title id="${c.id}-title">${escapeHtml(c.title)}</title><desc id="${c.id}-desc">${escapeHtml(c.description)}</desc>\n${parts.join('\n')}\n</svg>`
  );
}
