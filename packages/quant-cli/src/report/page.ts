import { DEFAULT_CALIBRATORS, type CandidateGrid } from '../analysis/candidates.js';
import { uniformTable } from '../analysis/file-tables.js';
import { uniformChoices, type UniformChoice } from '../analysis/file-view.js';
import type { SkippedTensor } from '../analysis/float-tensors.js';
import { formatBpw } from '../analysis/rows.js';
import { formatNumber } from '../stats.js';
import { escapeHtml, htmlTable, renderPage } from './html.js';
import { renderPareto } from './pareto-svg.js';
import { ERROR_BINS, VALUE_BINS, type SectionSummary } from './tensor-section.js';

export interface ReportContent {
  readonly file: string;
  readonly format: string;
  readonly fileSize: number;
  readonly grid: CandidateGrid;
  readonly sections: readonly string[];
  readonly summaries: readonly SectionSummary[];
  readonly skipped: readonly SkippedTensor[];
  readonly maxTensors: number;
  readonly maxElements: number;
  /** "quant 0.1.0, @quantkit/quant 0.1.0, backend native avx2" */
  readonly producer: string;
}

function candidateList(g: CandidateGrid): string {
  const kinds = g.granularities ?? ['tensor', 'channel', 'block'];
  const layout = (k: string): string => (k === 'tensor' ? 'per tensor' : k === 'channel' ? `per channel (axis ${g.axis ?? 0})` : `blocks of ${g.blockSizes.join(', ')} (axis ${g.axis ?? -1})`);
  const granularity = kinds.map(layout).join(', ') + (g.granularities === undefined ? ' (channel and blocks on tensors of rank 2 and more)' : '');
  const calibrators = g.calibrators?.join(', ') ?? kinds.map((k) => `${DEFAULT_CALIBRATORS[k].join(', ')} ${layout(k)}`).join('; ');
  return (
    `schemes ${g.schemes.join(', ')}; bits ${g.bits.join(', ')}; granularity ${granularity}; calibrators ${calibrators}` +
    `${g.ggml.length ? `; GGML formats ${g.ggml.join(', ')}` : ''}${g.narrowRange ? '; narrow range' : ''}${g.profile !== 'onnx' ? `; profile ${g.profile}` : ''}`
  );
}

/** The whole-file section: the Pareto chart of uniform choices, its description and its data table. */
function wholeFileSection(uniform: readonly UniformChoice[], tensors: number): string {
  if (uniform.length === 0) return '';
  const front = uniform.filter((u) => u.pareto);
  const exact = uniform.filter((u) => u.fileSqnrDb === Infinity).length;
  const description =
    `Scatter plot of ${uniform.length} choices, each applied to all ${tensors} analysed tensors: bits per weight on the x axis, the file's SQNR in dB on the y axis. ` +
    `${front.length} choices are Pareto-optimal (no other is both smaller and more accurate), from ${front[0]!.choice.key} at ${formatBpw(front[0]!.bitsPerWeight)} bpw ` +
    `to ${front[front.length - 1]!.choice.key} at ${formatBpw(front[front.length - 1]!.bitsPerWeight)} bpw.`;
  const chart = renderPareto({ id: 'file-pareto', title: 'Size against error of the whole file, one point per choice', description }, uniform);
  const table = uniformTable(uniform);
  const sentences = [
    `Each point is one candidate applied to every analysed tensor it fits (a tensor it does not fit stays in its dtype, counted in 'kept'). ` +
      `Its size is the bits as stored per weight; its error is the file's SQNR, 10·log10 of the summed squares of the values over the summed squared errors (MSE × values of each tensor).`,
    `The filled points joined by a line are the Pareto front: ${front.map((u) => `${u.choice.key} (${formatBpw(u.bitsPerWeight)} bpw, ${formatNumber(u.fileSqnrDb)} dB)`).join('; ')}.`,
  ];
  if (exact > 0) sentences.push(`${exact} choice${exact === 1 ? ' has' : 's have'} no error at all and ${exact === 1 ? 'sits' : 'sit'} on the top edge.`);
  sentences.push("quant compare --budget BPW picks a choice per tensor instead, the least total error within a size budget.");
  return [
    `<section id="file" aria-labelledby="file-h">`,
    `<h2 id="file-h">The whole file: size against error</h2>`,
    `<figure>\n${chart}\n<figcaption>${escapeHtml(sentences.join(' '))}</figcaption>\n</figure>`,
    `<details><summary>Whole-file data (${uniform.length} choices)</summary>\n${htmlTable('Each choice applied to the whole file, smallest first (pareto: on the size / error front)', table.headers, table.rows, table.numeric, (i) => (uniform[i]!.pareto ? 'front' : undefined))}\n</details>`,
    `</section>`,
  ].join('\n');
}

/** The whole page for one input file. */
export function reportPage(c: ReportContent): string {
  const title = `Quantization report: ${c.file}`;
  const capped = c.skipped.filter((s) => s.reason.startsWith('beyond'));
  const sampled = c.summaries.filter((s) => s.sampled).length;
  const overview = htmlTable(
    'Tensors analysed, with the best candidate of each',
    ['tensor', 'dtype', 'shape', 'best of the smallest bit width', 'sqnr_db', 'mse'],
    c.summaries.map((s) => [s.name, s.dtype, `[${s.shape.join(', ')}]`, s.best?.label ?? 'none', s.best ? formatNumber(s.best.sqnrDb) : '', s.best ? formatNumber(s.best.mse) : '']),
    new Set([4, 5]),
  );
  const body = [
    `<header>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="muted">${escapeHtml(`${c.format} file, ${c.fileSize.toLocaleString('en-US')} bytes. Generated by ${c.producer}.`)}</p>`,
    `</header>`,
    `<h2 id="about">What this page shows</h2>`,
    `<p>${escapeHtml(
      `Every float tensor was quantized and dequantized with each candidate (${candidateList(c.grid)}) and compared with the original: ` +
        `bits per weight as stored, mean squared error, SQNR in dB, largest absolute error and cosine similarity. In each bit width the lowest MSE is ` +
        `marked best, and the cheapest candidate within 0.5 dB of it too. The best candidate of the smallest bit width sets the clipping range and quantization ` +
        `grid drawn on the value histogram (${VALUE_BINS} bins) and the error histogram (${ERROR_BINS} bins). The whole-file section shows each candidate ` +
        `applied to every tensor: total size against total error, with the Pareto front. ` +
        `Counts are on a log scale so that rare outliers stay visible. Each chart has a text description and its data in a table below it.`,
    )}</p>`,
    `<div class="notes" id="limits"><p>${escapeHtml(
      `Limits of this page: at most ${c.maxTensors} tensors are analysed (--max-tensors)${capped.length ? `; ${capped.length} more float ${capped.length === 1 ? 'tensor was' : 'tensors were'} left out, listed at the end` : ', and none was left out'}. ` +
        `Tensors above ${c.maxElements.toLocaleString('en-US')} values (--max-elements) are analysed on an evenly spaced sample` +
        `${sampled ? ` (${sampled} here, each one says so)` : ' (none here)'}; their value histogram still shows every value.`,
    )}</p></div>`,
    c.summaries.length ? `<nav aria-label="Tensors"><h2 id="contents">Tensors</h2>\n${overview}\n<ol>${c.summaries.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.name)}</a></li>`).join('')}</ol></nav>` : `<p>This file has no float tensor to analyse.</p>`,
    wholeFileSection(uniformChoices(c.summaries.map((x) => x.file)), c.summaries.length),
    ...c.sections,
  ];
  if (c.skipped.length) {
    body.push(
      `<h2 id="skipped">Tensors not analysed</h2>`,
      htmlTable('Tensors not analysed, and why', ['tensor', 'dtype', 'shape', 'reason'], c.skipped.map((s) => [s.name, s.dtype, `[${s.shape.join(', ')}]`, s.reason]), new Set()),
    );
  }
  return renderPage({ title, body });
}
