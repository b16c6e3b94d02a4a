import { analyzeTensor } from '../analysis/analyze-tensor.js';
import { CANDIDATE_OPTIONS, CANDIDATE_OPTIONS_HELP, candidateGrid, candidatesFor, gridSize, type CandidateGrid } from '../analysis/candidates.js';
import { forEachFloatTensor } from '../analysis/float-tensors.js';
import { failedCells, NUMERIC_COLUMNS, ROW_HEADERS, rowCells, rowJson } from '../analysis/rows.js';
import { ExitStatus, fail, toCliError } from '../errors.js';
import { elementCount } from '../formats/tensor-source.js';
import { nameFilter } from '../glob.js';
import { BufferPool } from '../io/buffer-pool.js';
import { backendInfo } from '../lib.js';
import { parseCommandArgs } from '../options.js';
import { renderTable } from '../table.js';
import { exitStatusOf, failureJson, reportFailure, type Failure } from './failures.js';

export const COMPARE_HELP = `Usage: quant compare <files...> [options]

For every float tensor of each .npy or .safetensors file, quantizes and dequantizes it with every candidate
configuration and prints the error of each: MSE, SQNR (dB), largest absolute error and cosine similarity against
the original. The row with the lowest MSE is marked '*'. Tensors are read and analysed one at a time, and each
table is printed as soon as it is ready. Nothing is written.

${CANDIDATE_OPTIONS_HELP}

Output:
  --json              machine-readable output on stdout (non-finite numbers as "NaN", "Infinity", "-Infinity")
  -h, --help          show this help

Example:
  quant compare model.safetensors --bits 4 --granularity tensor,channel --calibrate minmax,mse,percentile:99.9`;

function describeGrid(g: CandidateGrid): Record<string, unknown> {
  return { schemes: g.schemes, bits: g.bits, granularities: g.granularities, calibrators: g.calibrators, axis: g.axis ?? null, blockSize: g.blockSize, profile: g.profile, narrowRange: g.narrowRange };
}

async function compareFile(path: string, grid: CandidateGrid, select: (name: string) => boolean, json: boolean, header: boolean, pool: BufferPool): Promise<Record<string, unknown>> {
  const tensors: Record<string, unknown>[] = [];
  if (header && !json) process.stdout.write(`${path}\n`);
  const { skipped } = await forEachFloatTensor(path, pool, {
    accept: (t) => (select(t.name) ? true : 'excluded by --include/--exclude'),
    visit: (t, x) => {
      const { candidates, notes } = candidatesFor(grid, t.shape);
      const analysis = analyzeTensor(x, t.shape, candidates);
      if (json) {
        tensors.push({
          name: t.name,
          dtype: t.dtype,
          shape: t.shape,
          count: elementCount(t.shape),
          rows: analysis.rows.map(rowJson),
          refused: analysis.failed,
          notes,
        });
        return;
      }
      const table = renderTable(ROW_HEADERS, [...analysis.rows.map(rowCells), ...failedCells(analysis)], NUMERIC_COLUMNS);
      const count = elementCount(t.shape);
      const extra = [...notes, ...analysis.failed.map((f) => `refused ${f.label}: ${f.message}`)];
      process.stdout.write(
        `${t.name}  ${t.dtype} [${t.shape.join(', ')}]  ${count} value${count === 1 ? '' : 's'}\n` +
          `${table.replace(/^/gm, '  ')}\n${extra.map((n) => `  note: ${n}\n`).join('')}\n`,
      );
    },
  });
  if (!json && skipped.length > 0) process.stdout.write(`skipped: ${skipped.map((s) => `${s.name} (${s.reason})`).join(', ')}\n\n`);
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
  const select = nameFilter(values.include ?? [], values.exclude ?? []);
  const json = values.json === true;
  const pool = new BufferPool(4);
  const failures: Failure[] = [];
  const files: Record<string, unknown>[] = [];
  if (!json) process.stdout.write(`${gridSize(grid)} candidates per tensor (backend ${backendInfo().name})\n\n`);
  for (const path of positionals) {
    try {
      files.push(await compareFile(path, grid, select, json, positionals.length > 1, pool));
    } catch (e) {
      const failure = { file: path, error: toCliError(e, { file: path }) };
      failures.push(failure);
      reportFailure(failure);
    }
  }
  const exitStatus = exitStatusOf(failures, positionals.length);
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ command: 'compare', ok: failures.length === 0, exitStatus, backend: backendInfo(), candidates: describeGrid(grid), files, failures: failures.map(failureJson) }, null, 2)}\n`,
    );
  }
  return exitStatus;
}
