import { budgetMix, BUDGET_TARGETS, planOfMix, type BudgetMix, type BudgetTarget } from '../analysis/budget-mix.js';
import { CANDIDATE_OPTIONS, CANDIDATE_OPTIONS_HELP, candidateGrid, gridSize, type CandidateGrid } from '../analysis/candidates.js';
import { uniformChoices, type FileTensor, type UniformChoice } from '../analysis/file-view.js';
import { forEachFloatTensor } from '../analysis/float-tensors.js';
import { budgetJson, budgetText, uniformJson, uniformTable } from '../analysis/file-tables.js';
import { ANALYSIS_THREADS } from '../analysis/analyze-off-thread.js';
import { rankSampledDetached, type SampledRanking } from '../analysis/rank-sample.js';
import { DTYPE_NAMES, overflowEffect, rangeOverflow } from '../analysis/range-overflow.js';
import { comparisonTable, hasNaN, MARK_LEGEND, rowJson } from '../analysis/rows.js';
import type { RankedRow } from '../analysis/ranking.js';
import { checkSelection } from '../analysis/selection-check.js';
import { ExitStatus, fail, toCliError } from '../errors.js';
import type { FloatDtype } from '../formats/dtypes.js';
import { elementCount, type TensorSource } from '../formats/tensor-source.js';
import { NameFilter } from '../glob.js';
import { AtomicOutput } from '../io/atomic-output.js';
import { BufferPool } from '../io/buffer-pool.js';
import { backendInfo, formatPlan, requireBackend } from '../lib.js';
import { parseCommandArgs, parseInteger } from '../options.js';
import { writeAt } from '../pipeline/write.js';
import { jsonText, visible, visibleLines } from '../safe-text.js';
import { renderTable } from '../table.js';
import { exitStatusOf, failureJson, reportFailure, type Failure } from './failures.js';
import { Warnings } from './warnings.js';

/** Tensors above this many values are analysed on an evenly spaced sample of whole rows (report/sample.ts). */
export const COMPARE_MAX_ELEMENTS = 1 << 16;

export const COMPARE_HELP = `Usage: quant compare <files...> [options]

For every float tensor (F32, F64, F16, BF16) of each .npy or .safetensors file, quantizes and dequantizes it with
every candidate configuration and prints the size and error of each: bits per weight as stored, MSE, SQNR (dB),
largest absolute error and cosine similarity against the original. Then, for the whole file, each candidate applied
to every tensor: total size against total squared error (MSE × values, summed), the file's SQNR and its worst tensor,
with the Pareto-optimal choices marked. NaN values are left out of the metrics (a column 'nan' counts them).
Candidates whose quantization grid reaches beyond the tensor's dtype are named in a warning on stderr. Tensors are read
and analysed one at a time, and each table is printed as soon as it is ready. docs/ANALYSIS.md explains every number.

${CANDIDATE_OPTIONS_HELP}

Size budget:
  --budget BPW        choose one candidate per tensor (or none: kept in its dtype) so that the file's stored bits are
                      at most BPW × its weights and its total squared error is the least possible (a multiple-choice
                      knapsack, solved exactly by dynamic programming; very large files on a grid whose rounding is
                      reported); prints the mix
  --target T          what the mix may use: quantize (quantkit's candidates: a plan for quant quantize --plan),
                      gguf (GGML formats), any (default)
  --plan-out FILE     write the mix as a plan (docs/ANALYSIS.md) for 'quant quantize --plan FILE' (one input only)
  --force             overwrite an existing plan file

Sampling and output:
  --max-elements N    analyse larger tensors on an evenly spaced sample of whole rows, about N values (default
                      ${COMPARE_MAX_ELEMENTS}); sizes are exact, squared errors are the sample's MSE × the tensor's values
  --json              machine-readable output on stdout (non-finite numbers as "NaN", "Infinity", "-Infinity")
  -h, --help          show this help

Example:
  quant compare model.safetensors --budget 4.5 --plan-out model.plan.json
  quant compare model.safetensors --bits 4 --granularity tensor,channel --calibrate minmax,mse,percentile:99.9`;

function describeGrid(g: CandidateGrid): Record<string, unknown> {
  return {
    schemes: g.schemes,
    bits: g.bits,
    granularities: g.granularities ?? 'tensor, channel, block for rank >= 2; tensor otherwise',
    calibrators: g.calibrators ?? 'per granularity (docs/ANALYSIS.md)',
    axis: g.axis ?? null,
    blockSizes: g.blockSizes,
    ggml: g.ggml,
    profile: g.profile,
    narrowRange: g.narrowRange,
  };
}

/** The candidates whose grid reaches beyond the tensor's dtype, as one warning (range-overflow.ts). */
function overflowWarning(dtype: FloatDtype, rows: readonly RankedRow[], overflowing: readonly boolean[]): string | undefined {
  const labels = rows.filter((_, i) => overflowing[i]).map((r) => r.label);
  if (labels.length === 0) return undefined;
  return `the quantization grid of ${labels.length} of ${rows.length} candidates reaches beyond the largest ${DTYPE_NAMES[dtype]}, so values at its ends come back as ${overflowEffect(dtype)}: ${labels.join(', ')}`;
}

interface CompareContext {
  readonly grid: CandidateGrid;
  readonly select: (name: string) => boolean;
  readonly json: boolean;
  readonly header: boolean;
  readonly maxElements: number;
  readonly budget: number | undefined;
  readonly target: BudgetTarget;
  readonly planOut: string | undefined;
  readonly force: boolean;
  readonly pool: BufferPool;
  readonly warnings: Warnings;
}

async function writePlan(path: string, mix: BudgetMix, input: string, force: boolean): Promise<void> {
  const out = await AtomicOutput.create(path, force);
  try {
    await writeAt(out.fh, Buffer.from(formatPlan(planOfMix(mix, input)), 'utf8'), 0);
    await out.commit();
  } catch (e) {
    await out.discard();
    throw toCliError(e, { file: path });
  }
}

function fileSummary(path: string, tensors: readonly FileTensor[], c: CompareContext): { uniform: UniformChoice[]; mix: BudgetMix | undefined; text: string } {
  const uniform = uniformChoices(tensors);
  const weights = tensors.reduce((s, t) => s + t.count, 0);
  let text = '';
  if (tensors.length > 0) {
    const table = uniformTable(uniform);
    text +=
      `whole file: ${tensors.length} tensor${tensors.length === 1 ? '' : 's'}, ${weights.toLocaleString('en-US')} weights, each candidate applied to every tensor it fits ` +
      `('*': on the size / error Pareto front; 'kept': tensors it does not fit, left in their dtype)\n${renderTable(table.headers, table.rows, table.numeric).replace(/^/gm, '  ')}\n\n`;
  }
  let mix: BudgetMix | undefined;
  if (c.budget !== undefined && tensors.length > 0) {
    mix = budgetMix(tensors, c.budget, c.target);
    if (mix === undefined) fail('USAGE', `--budget ${c.budget}: no mix fits; even the smallest candidate of every tensor needs more bits per weight`, { file: path });
    text += budgetText(mix);
  }
  return { uniform, mix, text };
}

async function compareFile(path: string, c: CompareContext): Promise<Record<string, unknown>> {
  const tensors: Record<string, unknown>[] = [];
  const fileTensors: FileTensor[] = [];
  if (c.header && !c.json) process.stdout.write(`${visible(path)}\n`);
  // Up to ANALYSIS_THREADS tensors are analysed at once; their tables are printed in file order.
  let printed: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const show = (t: TensorSource, { sample, ranked, notes }: SampledRanking): void => {
    const dtype = t.dtype as FloatDtype; // forEachFloatTensor visits float tensors only
    const count = elementCount(t.shape);
    fileTensors.push({ name: t.name, dtype, count, ranked });
    const overflowing = ranked.rows.map((r) => r.row !== undefined && rangeOverflow({ ...r.row.params, profile: r.row.options.profile }, dtype, sample.x) !== undefined);
    const warning = overflowWarning(dtype, ranked.rows, overflowing);
    if (warning !== undefined) c.warnings.add({ kind: 'range-overflow', file: path, tensor: t.name, message: warning });
    if (c.json) {
      tensors.push({
        name: t.name,
        dtype: t.dtype,
        shape: t.shape,
        count,
        sampled: sample.note !== undefined ? sample.x.data.length : null,
        nanCount: Math.max(0, ...ranked.rows.map((r) => r.nanCount)),
        rows: ranked.rows.map((r, i) => rowJson(r, overflowing[i])),
        refused: ranked.failed,
        notes,
      });
      return;
    }
    const table = comparisonTable(ranked);
    const text = renderTable(table.headers, table.rows, table.numeric);
    const extra = [...notes, ...ranked.failed.map((f) => `refused ${f.label}: ${f.message}`)];
    if (hasNaN(ranked)) extra.push("NaN values are left out of every metric (column 'nan'); the metrics describe the other values");
    if (ranked.rows.length > 0 && !ranked.rows.some((r) => r.bestOfBits)) extra.push('no candidate is marked best: every MSE is NaN');
    process.stdout.write(
      `${visible(t.name)}  ${visible(t.dtype)} [${t.shape.join(', ')}]  ${count} value${count === 1 ? '' : 's'}\n` +
        `${text.replace(/^/gm, '  ')}\n${extra.map((n) => `  note: ${visibleLines(n)}\n`).join('')}\n`,
    );
  };
  const { skipped } = await forEachFloatTensor(path, c.pool, {
    accept: (t) => (c.select(t.name) ? true : 'excluded by --include/--exclude'),
    visit: async (t, x) => {
      const ranking = rankSampledDetached(t, x, c.grid, c.maxElements); // x may be released once this returns
      ranking.catch(() => {}); // its error surfaces through step (unless an earlier tensor's comes first)
      const step = printed.then(() => ranking).then((r) => show(t, r)).catch((e: unknown) => {
        throw toCliError(e, { file: path, tensor: t.name });
      });
      step.catch(() => {}); // awaited below (and not lost when reading the file fails first)
      printed = step;
      inFlight.push(step);
      if (inFlight.length >= ANALYSIS_THREADS) await inFlight.shift();
    },
  });
  await printed;
  if (!c.json && skipped.length > 0) process.stdout.write(`skipped: ${skipped.map((s) => `${visible(s.name)} (${visible(s.reason)})`).join(', ')}\n\n`);
  const summary = fileSummary(path, fileTensors, c);
  if (!c.json) process.stdout.write(summary.text);
  if (summary.mix !== undefined && c.planOut !== undefined) {
    await writePlan(c.planOut, summary.mix, path, c.force);
    if (!c.json) process.stdout.write(`plan written to ${visible(c.planOut)} (quant quantize ${visible(path)} --plan ${visible(c.planOut)} -o ...)\n`);
  }
  return {
    file: path,
    tensors,
    skipped,
    uniform: summary.uniform.map(uniformJson),
    budget: summary.mix !== undefined ? budgetJson(summary.mix) : null,
    planOut: summary.mix !== undefined ? (c.planOut ?? null) : null,
  };
}

function parseBudget(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 64) fail('USAGE', `--budget must be bits per weight, a number in (0, 64], got '${value}'`);
  return n;
}

export async function compareCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...CANDIDATE_OPTIONS, json: { type: 'boolean' }, budget: { type: 'string' }, target: { type: 'string' }, 'plan-out': { type: 'string' }, force: { type: 'boolean' }, 'max-elements': { type: 'string' } },
    'compare',
  );
  if (values.help) {
    process.stdout.write(`${COMPARE_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no file given\nRun 'quant compare --help' for usage.");
  const grid = candidateGrid(values);
  const budget = parseBudget(values.budget);
  const planOut = values['plan-out'];
  const target = (values.target ?? 'any') as BudgetTarget;
  if (!BUDGET_TARGETS.includes(target)) fail('USAGE', `--target takes ${BUDGET_TARGETS.join(', ')}; got '${values.target}'`);
  if (values.target !== undefined && budget === undefined) fail('USAGE', '--target needs --budget');
  if (planOut !== undefined && budget === undefined) fail('USAGE', '--plan-out needs --budget (the plan is the mix it chooses)');
  if (planOut !== undefined && positionals.length > 1) fail('USAGE', '--plan-out takes the plan of one file: give one input');
  const filter = new NameFilter(values.include ?? [], values.exclude ?? []);
  const json = values.json === true;
  const backend = requireBackend();
  const warnings = new Warnings(true);
  await checkSelection(filter, positionals.map((path) => ({ path })), (message) => warnings.add({ kind: 'unmatched-glob', message }));
  const context: CompareContext = {
    grid,
    select: (name) => filter.selects(name),
    json,
    header: positionals.length > 1,
    maxElements: parseInteger(values['max-elements'], 'max-elements', 16, 1 << 28) ?? COMPARE_MAX_ELEMENTS,
    budget,
    target,
    planOut,
    force: values.force === true,
    pool: new BufferPool(4),
    warnings,
  };
  const failures: Failure[] = [];
  const files: Record<string, unknown>[] = [];
  if (!json) process.stdout.write(`up to ${gridSize(grid)} candidates per tensor (backend ${backend.name}); ${MARK_LEGEND}\n\n`);
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
      `${jsonText({ command: 'compare', ok: failures.length === 0, exitStatus, backend: backendInfo(), candidates: describeGrid(grid), maxElements: context.maxElements, files, warnings: warnings.json(), failures: failures.map(failureJson) })}\n`,
    );
  }
  return exitStatus;
}
