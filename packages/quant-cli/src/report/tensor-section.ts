import type { CandidateGrid } from '../analysis/candidates.js';
import type { FileTensor } from '../analysis/file-view.js';
import { rankSampled } from '../analysis/rank-sample.js';
import type { RankedTensor } from '../analysis/ranking.js';
import { comparisonTable, formatBpw, hasNaN } from '../analysis/rows.js';
import { valuesAsWritten } from '../analysis/half-analysis.js';
import type { FloatDtype } from '../formats/dtypes.js';
import type { TensorSource } from '../formats/tensor-source.js';
import { widenedValues, type TensorValues } from '../formats/tensor-values.js';
import { histogram, type AnalysisRow, type FloatArray, type QuantParams } from '../lib.js';
import { formatNumber, tensorStats } from '../stats.js';
import { renderHistogram, type Grid } from './histogram-svg.js';
import { escapeHtml, htmlTable, idFor } from './html.js';

export const VALUE_BINS = 80;
export const ERROR_BINS = 60;

const TABLE_NOTE =
  'bpw: bits per weight as quant quantize stores the candidate (codes, 2- and 4-bit codes packed, plus a scale and a zero point per group; GGML formats: their blocks). ' +
  'best: the lowest MSE of its bit width; cheapest: the fewest bits per weight within 0.5 dB SQNR of that best.';

export interface SectionOptions {
  readonly grid: CandidateGrid;
  /** Tensors with more values are analysed on a sample (sample.ts). */
  readonly maxElements: number;
}

/** One line of the page's summary table. */
export interface SectionSummary {
  readonly id: string;
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** The candidate the figures show: the lowest MSE of the smallest bit width among quantkit's candidates. */
  readonly best: AnalysisRow | undefined;
  readonly sampled: boolean;
  /** The tensor in the whole-file view. */
  readonly file: FileTensor;
}

const ordinal = (k: number): string => `${k}${k % 100 >= 11 && k % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][k % 10] ?? 'th')}`;
const n0 = (v: number): string => v.toLocaleString('en-US');
const pct = (part: number, whole: number): string => (whole === 0 ? '0%' : `${formatNumber((100 * part) / whole)}%`);

/** Finite min and max (NaN and ±Infinity left out), and how many values are finite. */
function finiteExtent(x: ArrayLike<number>): { min: number; max: number; finite: number } {
  let min = Infinity;
  let max = -Infinity;
  let finite = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue; // NaN or ±Infinity
    finite++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max, finite };
}

/** A non-empty domain around [lo, hi] (a constant tensor still gets a visible bar). */
function domain(lo: number, hi: number): [number, number] {
  if (!(lo <= hi)) return [-1, 1];
  if (hi > lo) return [lo, hi];
  const pad = Math.abs(lo) * 0.5 || 1;
  return [lo - pad, hi + pad];
}

function binCounts(x: FloatArray, lo: number, hi: number, bins: number): Float64Array {
  const counts = new Float64Array(bins);
  histogram(x, lo, hi, counts);
  return counts;
}

/** The representable range of the best candidate: one grid per tensor, or the envelope of the per-group ranges. */
function representable(p: QuantParams): { lo: number; hi: number; grid: Grid | undefined; groups: number } {
  if (typeof p.scale === 'number') {
    const zp = p.zeroPoint as number;
    const lo = (p.qmin - zp) * p.scale;
    return { lo, hi: (p.qmax - zp) * p.scale, grid: { first: lo, step: p.scale, count: p.qmax - p.qmin + 1 }, groups: 1 };
  }
  const zps = p.zeroPoint as Int32Array;
  let lo = Infinity;
  let hi = -Infinity;
  for (let g = 0; g < p.scale.length; g++) {
    lo = Math.min(lo, (p.qmin - zps[g]!) * p.scale[g]!);
    hi = Math.max(hi, (p.qmax - zps[g]!) * p.scale[g]!);
  }
  return { lo, hi, grid: undefined, groups: p.scale.length };
}

function dataTable(caption: string, counts: Float64Array, lo: number, hi: number): string {
  const rows: string[][] = [];
  for (let i = 0; i < counts.length; i++) {
    if (counts[i]! > 0) rows.push([formatNumber(lo + ((hi - lo) * i) / counts.length), formatNumber(lo + ((hi - lo) * (i + 1)) / counts.length), String(counts[i])]);
  }
  return `<details><summary>${escapeHtml(caption)} (${rows.length} non-empty bins)</summary>\n${htmlTable(caption, ['from', 'to', 'count'], rows, new Set([0, 1, 2]))}\n</details>`;
}

function valuesFigure(id: string, x: FloatArray, best: AnalysisRow | undefined, label: string): string {
  const ext = finiteExtent(x);
  const range = best ? representable(best.params) : undefined;
  const [lo, hi] = domain(Math.min(ext.min, range?.lo ?? Infinity), Math.max(ext.max, range?.hi ?? -Infinity));
  const counts = binCounts(x, lo, hi, VALUE_BINS);
  let clipped = 0;
  if (range && range.groups === 1) for (let i = 0; i < x.length; i++) if (x[i]! < range.lo || x[i]! > range.hi) clipped++;
  const chart = renderHistogram({
    id: `${id}-values`,
    title: `Values of ${label}`,
    description: `Histogram of ${n0(ext.finite)} finite values in ${VALUE_BINS} bins from ${formatNumber(lo)} to ${formatNumber(hi)}, counts on a log scale` +
      (range ? `, with the clipping range [${formatNumber(range.lo)}, ${formatNumber(range.hi)}] of the best candidate marked.` : '.'),
    counts,
    lo,
    hi,
    xLabel: 'value',
    clip: range && { lo: range.lo, hi: range.hi },
    grid: range?.grid,
  });
  const sentences = [`Histogram of the ${n0(ext.finite)} finite values, ${formatNumber(ext.min)} to ${formatNumber(ext.max)}, in ${VALUE_BINS} bins; counts on a log scale.`];
  if (best && range) {
    if (range.groups === 1) {
      sentences.push(
        `The dashed lines mark the clipping range of the best candidate (${best.label}): [${formatNumber(range.lo)}, ${formatNumber(range.hi)}], ` +
          `the lowest and highest representable values; ${n0(clipped)} values (${pct(clipped, x.length)}) lie outside it and are clipped (shaded).`,
      );
      const stride = chart.gridStride;
      sentences.push(`The ticks under the axis mark the quantization grid: ${n0(range.grid!.count)} codes, ${formatNumber(best.params.scale as number)} apart${stride > 1 ? ` (every ${ordinal(stride)} code drawn)` : ''}.`);
    } else {
      sentences.push(
        `The best candidate (${best.label}) has its own range and grid for each of its ${n0(range.groups)} groups; the dashed lines mark the widest extent ` +
          `of those ranges, [${formatNumber(range.lo)}, ${formatNumber(range.hi)}], and the grids are not drawn.`,
      );
    }
  }
  return `<figure>\n${chart.svg}\n<figcaption>${escapeHtml(sentences.join(' '))}</figcaption>\n</figure>\n${dataTable('Value histogram data', counts, lo, hi)}`;
}

/** The error histogram of the best candidate on the analysed values (`sample`; `x` is the same values as numbers). */
function errorFigure(id: string, sample: TensorValues, x: FloatArray, best: AnalysisRow, label: string): string {
  const fq = valuesAsWritten(sample, best.options);
  const e = new Float64Array(x.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - fq[i]!;
    if (d - d === 0) e[m++] = d; // finite errors only (NaN and ±Infinity inputs have none)
  }
  const errors = e.subarray(0, m);
  const ext = finiteExtent(errors);
  const half = typeof best.params.scale === 'number' ? best.params.scale / 2 : undefined;
  const [lo, hi] = domain(Math.min(ext.min, half !== undefined ? -half : Infinity), Math.max(ext.max, half ?? -Infinity));
  const counts = binCounts(errors, lo, hi, ERROR_BINS);
  let beyond = 0;
  if (half !== undefined) for (let i = 0; i < m; i++) if (Math.abs(errors[i]!) > half) beyond++;
  const chart = renderHistogram({
    id: `${id}-error`,
    title: `Quantization error of ${label} (${best.label})`,
    description: `Histogram of x - fakeQuantize(x) for ${n0(m)} values in ${ERROR_BINS} bins from ${formatNumber(lo)} to ${formatNumber(hi)}, counts on a log scale.`,
    counts,
    lo,
    hi,
    xLabel: 'x − fakeQuantize(x)',
    barClass: 'err',
    bounds: half !== undefined ? { lo: -half, hi: half, label: '±scale/2' } : undefined,
  });
  const sentences = [
    `Histogram of the error x − fakeQuantize(x) of the best candidate (${best.label}) over ${n0(m)} values, ${formatNumber(ext.min)} to ${formatNumber(ext.max)}, in ${ERROR_BINS} bins; counts on a log scale.`,
    `MSE ${formatNumber(best.mse)}, SQNR ${formatNumber(best.sqnrDb)} dB, largest absolute error ${formatNumber(best.maxAbs)}.`,
  ];
  if (half !== undefined) {
    sentences.push(
      `Rounding alone keeps every error within ±scale/2 = ±${formatNumber(half)} (dashed lines); ${n0(beyond)} values (${pct(beyond, m)}) fall outside, ` +
        `which is the error of clipping.`,
    );
  }
  return `<figure>\n${chart.svg}\n<figcaption>${escapeHtml(sentences.join(' '))}</figcaption>\n</figure>\n${dataTable('Error histogram data', counts, lo, hi)}`;
}

/** The mark column in words: 'best', 'cheapest', 'best, cheapest'. */
function markWords(mark: string): string {
  return [mark.includes('*') ? 'best' : '', mark.includes('+') ? 'cheapest' : ''].filter((w) => w !== '').join(', ');
}

function candidatesTable(a: RankedTensor, label: string): string {
  const table = comparisonTable(a);
  const rows = table.rows.map((cells) => cells.map((c, i) => (i === 0 ? markWords(c) : c)));
  return htmlTable(
    `Candidates for ${label}, in grid order (best: the lowest MSE of its bit width; cheapest: the fewest bits per weight within 0.5 dB of it)`,
    table.headers,
    rows,
    table.numeric,
    (i) => (a.rows[i]?.bestOfBits ? 'best' : undefined),
  );
}

/** "8 bits: label (SQNR 40.1 dB at 8.06 bpw); 4 bits: ..." */
function bestPerWidth(a: RankedTensor): string {
  const best = a.rows.filter((r) => r.bestOfBits).sort((x, y) => y.bits - x.bits);
  return best.map((r) => `${r.bits} bits: ${r.label} (SQNR ${formatNumber(r.sqnrDb)} dB at ${formatBpw(r.bitsPerWeight)} bpw${r.cheapest ? '' : `; within 0.5 dB for less: ${a.rows.find((c) => c.cheapest && c.bits === r.bits)?.label ?? '?'}`})`).join('; ');
}

/** The row the figures show: the best of the smallest bit width among rows with quantization parameters. */
function figureRow(a: RankedTensor): AnalysisRow | undefined {
  const own = a.rows.filter((r) => r.row !== undefined && !Number.isNaN(r.mse));
  const width = Math.min(...own.map((r) => r.bits));
  return own.filter((r) => r.bits === width).reduce<RankedTensor['rows'][number] | undefined>((b, r) => (b === undefined || r.mse < b.mse ? r : b), undefined)?.row;
}

/** Why no candidate is best: all refused, or every MSE NaN (the data holds nothing but NaN). */
function noBest(a: RankedTensor): string {
  return a.rows.length === 0 ? 'none (every candidate was refused)' : 'none (every candidate\'s MSE is NaN: the tensor holds no number to measure)';
}

/** The HTML section of one float tensor: facts, value histogram, error histogram, comparison table. */
export async function tensorSection(index: number, t: TensorSource, values: TensorValues, options: SectionOptions): Promise<{ html: string; summary: SectionSummary }> {
  const id = idFor('t', index, t.name);
  // Statistics and histograms need numbers: half bits are widened for them (the analysis quantizes the bits).
  const x = widenedValues(values).data;
  const stats = tensorStats(x);
  const { sample, ranked, notes: analysisNotes } = await rankSampled(t, values, options.grid, options.maxElements);
  const notes: string[] = [];
  if (sample.note) notes.push(`The analysis (candidates, error histogram) ran on a sample: ${sample.note}. Sizes are those of the whole tensor; the value histogram shows every value.`);
  notes.push(...analysisNotes.filter((n) => n !== sample.note));
  for (const f of ranked.failed) notes.push(`${f.label} was refused: ${f.message}`);
  if (hasNaN(ranked)) notes.push("NaN values are left out of every candidate's metrics (column 'nan'); the metrics describe the other values.");
  const best = figureRow(ranked);
  const facts: [string, string][] = [
    ['dtype', t.dtype],
    ['shape', `[${t.shape.join(', ')}]`],
    ['values', `${n0(stats.count)}${stats.nanCount ? `, ${n0(stats.nanCount)} NaN` : ''}${stats.infCount ? `, ${n0(stats.infCount)} ±Infinity` : ''}`],
    ['min / max', `${formatNumber(stats.min)} / ${formatNumber(stats.max)}`],
    ['mean / std', `${formatNumber(stats.mean)} / ${formatNumber(stats.std)}`],
    ['best per bit width', ranked.rows.some((r) => r.bestOfBits) ? bestPerWidth(ranked) : noBest(ranked)],
    ['figures show', best ? `${best.label}: SQNR ${formatNumber(best.sqnrDb)} dB, MSE ${formatNumber(best.mse)}` : 'no candidate'],
  ];
  if (best && typeof best.params.scale === 'number') facts.push(['scale / zero point', `${formatNumber(best.params.scale)} / ${String(best.params.zeroPoint)}`]);
  const html = [
    `<section id="${id}" aria-labelledby="${id}-h">`,
    `<h2 id="${id}-h">${escapeHtml(t.name)}</h2>`,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`,
    notes.length ? `<div class="notes"><ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></div>` : '',
    `<h3>Values and the chosen range</h3>`,
    valuesFigure(id, x, best, t.name),
    best ? `<h3>Quantization error of the best candidate of the smallest bit width</h3>\n${errorFigure(id, sample.x, widenedValues(sample.x).data, best, t.name)}` : '',
    `<h3>Candidates</h3>`,
    `<p class="muted">${escapeHtml(TABLE_NOTE)}</p>`,
    candidatesTable(ranked, t.name),
    `</section>`,
  ]
    .filter((s) => s !== '')
    .join('\n');
  const file: FileTensor = { name: t.name, dtype: t.dtype as FloatDtype, count: x.length, ranked };
  return { html, summary: { id, name: t.name, dtype: t.dtype, shape: t.shape, best, sampled: sample.note !== undefined, file } };
}
