import { analyzeTensorOffThread } from '../analysis/analyze-off-thread.js';
import { CANDIDATE_OPTIONS, CANDIDATE_OPTIONS_HELP, candidateGrid, candidatesFor, gridSize, type CandidateGrid } from '../analysis/candidates.js';
import { forEachFloatTensor } from '../analysis/float-tensors.js';
import { DTYPE_NAMES, overflowEffect, rangeOverflow } from '../analysis/range-overflow.js';
import { comparisonTable, hasNaN, rowJson } from '../analysis/rows.js';
import { checkSelection } from '../analysis/selection-check.js';
import { ExitStatus, fail, toCliError } from '../errors.js';
import type { FloatDtype } from '../formats/dtypes.js';
import { elementCount } from '../formats/tensor-source.js';
import { NameFilter } from '../glob.js';
import { BufferPool } from '../io/buffer-pool.js';
import { backendInfo, requireBackend, type AnalysisRow } from '../lib.js';
import { parseCommandArgs } from '../options.js';
import { jsonText, visible, visibleLines } from '../safe-text.js';
import { renderTable } from '../table.js';
import { exitStatusOf, failureJson, reportFailure, type Failure } from './failures.js';
import { Warnings } from './warnings.js';

export const COMPARE_HELP = `Usage: quant compare <files...> [options]

For every float tensor of each .npy or .safetensors file, quantizes and dequantizes it with every candidate
configuration and prints the error of each: MSE, SQNR (dB), largest absolute error and cosine similarity against
the original. The row with the lowest MSE is marked '*'. NaN values are left out of the metrics (a column 'nan'
counts them); a row whose MSE is NaN is never marked. Candidates whose quantization grid reaches beyond the tensor's
dtype (values that would come back as ±Infinity) are named in a warning on stderr. Tensors are read and analysed one
at a time, and each table is printed as soon as it is ready. Nothing is written.

${CANDIDATE_OPTIONS_HELP}

Output:
  --json              machine-readable output on stdout (non-finite numbers as "NaN", "Infinity", "-Infinity")
  -h, --help          show this help

Example:
  quant compare model.safetensors --bits 4 --granularity tensor,channel --calibrate minmax,mse,percentile:99.9`;

function describeGrid(g: CandidateGrid): Record<string, unknown> {
  return { schemes: g.schemes, bits: g.bits, granularities: g.granularities, calibrators: g.calibrators, axis: g.axis ?? null, blockSize: g.blockSize, profile: g.profile, narrowRange: g.narrowRange };
}

/** The candidates whose grid reaches beyond the tensor's dtype, as one warning (range-overflow.ts). */
function overflowWarning(dtype: FloatDtype, rows: readonly AnalysisRow[], overflowing: readonly boolean[]): string | undefined {
  const labels = rows.filter((_, i) => overflowing[i]).map((r) => r.label);
  if (labels.length === 0) return undefined;
  return `the quantization grid of ${labels.length} of ${rows.length} candidates reaches beyond the largest ${DTYPE_NAMES[dtype]}, so values at its ends come back as ${overflowEffect(dtype)}: ${labels.join(', ')}`;
}

interface CompareContext {
  readonly grid: CandidateGrid;
  readonly select: (name: string) => boolean;
  readonly json: boolean;
  readonly header: boolean;
  readonly pool: BufferPool;
  readonly warnings: Warnings;
}

async function compareFile(path: string, c: CompareContext): Promise<Record<string, unknown>> {
  const tensors: Record<string, unknown>[] = [];
  if (c.header && !c.json) process.stdout.write(`${visible(path)}\n`);
  const { skipped } = await forEachFloatTensor(path, c.pool, {
    accept: (t) => (c.select(t.name) ? true : 'excluded by --include/--exclude'),
    visit: async (t, x) => {
      const { candidates, notes } = candidatesFor(c.grid, t.shape);
      const analysis = await analyzeTensorOffThread(x, t.shape, candidates);
      const dtype = t.dtype as FloatDtype; // forEachFloatTensor visits float tensors only
      const overflowing = analysis.rows.map((r) => rangeOverflow({ ...r.params, profile: r.options.profile }, dtype, x) !== undefined);
      const warning = overflowWarning(dtype, analysis.rows, overflowing);
      if (warning !== undefined) c.warnings.add({ kind: 'range-overflow', file: path, tensor: t.name, message: warning });
      if (c.json) {
        tensors.push({
          name: t.name,
          dtype: t.dtype,
          shape: t.shape,
          count: elementCount(t.shape),
          nanCount: Math.max(0, ...analysis.rows.map((r) => r.nanCount)),
          rows: analysis.rows.map((r, i) => rowJson(r, overflowing[i])),
          refused: analysis.failed,
          notes,
        });
        return;
      }
      const table = comparisonTable(analysis);
      const text = renderTable(table.headers, table.rows, table.numeric);
      const count = elementCount(t.shape);
      const extra = [...notes, ...analysis.failed.map((f) => `refused ${f.label}: ${f.message}`)];
      if (hasNaN(analysis)) extra.push("NaN values are left out of every metric (column 'nan'); the metrics describe the other values");
      if (analysis.rows.length > 0 && !analysis.rows.some((r) => r.best)) extra.push('no candidate is marked best: every MSE is NaN');
      process.stdout.write(
        `${visible(t.name)}  ${visible(t.dtype)} [${t.shape.join(', ')}]  ${count} value${count === 1 ? '' : 's'}\n` +
          `${text.replace(/^/gm, '  ')}\n${extra.map((n) => `  note: ${visibleLines(n)}\n`).join('')}\n`,
      );
    },
  });
  if (!c.json && skipped.length > 0) process.stdout.write(`skipped: ${skipped.map((s) => `${visible(s.name)} (${visible(s.reason)})`).join(', ')}\n\n`);
  return { file: path, tensors, skipped };
}

export async function compareCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...CANDIDATE_OPTIONS, json: { type: 'boolean' } }, 'compare');
  if (values.help) {
    process.stdout.write(`${COMPARE_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no file given\nRun 'quant compare --help' for usage.");
  const grid = candidateGrid(values);
  const filter = new NameFilter(values.include ?? [], values.exclude ?? []);
  const json = values.json === true;
  const backend = requireBackend();
  const warnings = new Warnings(true);
  await checkSelection(filter, positionals.map((path) => ({ path })), (message) => warnings.add({ kind: 'unmatched-glob', message }));
  const context: CompareContext = { grid, select: (name) => filter.selects(name), json, header: positionals.length > 1, pool: new BufferPool(4), warnings };
  const failures: Failure[] = [];
  const files: Record<string, unknown>[] = [];
  if (!json) process.stdout.write(`${gridSize(grid)} candidates per tensor (backend ${backend.name})\n\n`);
  for (const path of positionals) {
    try {
      files.push(await compareFile(path, context));
    } catch (e) {
      const failure = { file: path, error: toCliError(e, { file: path }) };
      failures.push(failure);
      reportFailure(failure);
    }
  }
  const exitStatus = exitStatusOf(failures, positionals.length);
  if (json) {
    process.stdout.write(
      `${jsonText({ command: 'compare', ok: failures.length === 0, exitStatus, backend: backendInfo(), candidates: describeGrid(grid), files, warnings: warnings.json(), failures: failures.map(failureJson) })}\n`,
    );
  }
  return exitStatus;
}
