import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { describeOverflow, groupCount, tensorOverflow } from '../analysis/range-overflow.js';
import { checkSelection } from '../analysis/selection-check.js';
import { CliError, ExitStatus, fail, toCliError } from '../errors.js';
import type { QuantizedRecord } from '../formats/quantized-format.js';
import { npyTensorName } from '../formats/open-input.js';
import { NameFilter } from '../glob.js';
import { BufferPool } from '../io/buffer-pool.js';
import { interruptSignal } from '../io/cleanup.js';
import { collectInputs, type InputRef } from '../io/collect-inputs.js';
import { checkOutputExtension, SAFETENSORS_EXTENSIONS } from '../io/output-checks.js';
import type { TensorValues } from '../formats/tensor-values.js';
import { backendInfo, requireBackend, type QuantizedTensor } from '../lib.js';
import { parseCommandArgs, QUANT_OPTIONS, QUANT_OPTIONS_HELP, quantSettings, threadCount } from '../options.js';
import { runQuantizeJob, type JobResult, type QuantizeJob } from '../pipeline/quantize-job.js';
import { applyPlan, readPlanFile, type AppliedPlan } from '../plan/quantize-plan.js';
import { formatBytes, Progress } from '../progress.js';
import { jsonText, visible } from '../safe-text.js';
import { exitStatusOf, failureJson, reportFailure, testDelayMs, type Failure } from './failures.js';
import { Warnings } from './warnings.js';

export const QUANTIZE_HELP = `Usage: quant quantize <inputs...> -o <file|dir> [options]

Quantizes the float tensors of .npy files (float16/32/64, any shape, C or Fortran order, either endianness) and
.safetensors files (F32, F64, F16, BF16; other dtypes are copied through untouched) into safetensors files holding
integer codes, <name>.scale and <name>.zero_point (layout: docs/FORMAT.md, version 2). Directories are searched
recursively. F16 and BF16 tensors are quantized as they are (their values widened exactly, as onnxruntime does), with
scales of their own dtype, stored as F16 / BF16 scale tensors. A .npy of dtype 'V2' (how ml_dtypes saves bfloat16) is
refused (E_AMBIGUOUS_DTYPE): save such a tensor as a safetensors BF16 tensor.

Output:
  -o, --output PATH   a file (ends in .safetensors): every input tensor goes into it (a .npy file's tensor is named
                      after its path, e.g. layers/w.npy -> layers.w); a directory (exists, ends in '/', or there are
                      several inputs): one <name>.safetensors per input, mirroring the input directories
  --force             overwrite existing outputs
  --fail-fast         stop at the first failing file (default: report it and carry on)

${QUANT_OPTIONS_HELP}
  --plan FILE                 per-tensor choices from a plan file (docs/ANALYSIS.md; 'quant compare --budget BPW
                              --plan-out FILE' writes one): the tensors it names are quantized as it says (or kept
                              as they are), the others with the options above

Run:
  --threads N         tensors processed at once (default: CPU count, at most 8)
  --json              print a machine-readable summary on stdout
  --quiet             print nothing but errors
  -h, --help          show this help

Exit status: 0 ok, 1 some files of a batch failed, 2 usage, 3 not a file, 4 malformed input, 5 unsupported data,
6 output exists, 7 quantization refused, 8 I/O error, 129/130/131/143 interrupted (see README).`;

function stripExtension(p: string): string {
  const ext = extname(p);
  return ext ? p.slice(0, -ext.length) : p;
}

/** How the inputs map to outputs: one bundle file, or one file per input in a directory. */
export async function planJobs(inputs: readonly InputRef[], output: string, fromDirectory: boolean, inputArgs: number): Promise<{ jobs: QuantizeJob[]; problems: Failure[] }> {
  let isDir = output.endsWith('/') || output.endsWith(sep);
  try {
    isDir ||= (await stat(output)).isDirectory();
  } catch {
    // Does not exist yet.
  }
  if (!isDir && !output.toLowerCase().endsWith('.safetensors') && (fromDirectory || inputArgs > 1)) isDir = true;

  if (!isDir) {
    const job = { output, inputs: inputs.map((i) => ({ path: i.path, npyName: stripExtension(i.relativePath).split('/').join('.') })) };
    return { jobs: inputs.length > 0 ? [job] : [], problems: [] };
  }
  const jobs: QuantizeJob[] = [];
  const problems: Failure[] = [];
  const byOutput = new Map<string, string>();
  for (const input of inputs) {
    const target = join(output, `${stripExtension(input.relativePath)}.safetensors`);
    const other = byOutput.get(target);
    if (other !== undefined) {
      problems.push({ file: input.path, error: new CliError('DUPLICATE_NAME', `would write the same output '${target}' as '${other}'`, { file: input.path }) });
      continue;
    }
    byOutput.set(target, input.path);
    jobs.push({ output: target, inputs: [{ path: input.path, npyName: npyTensorName(input.path) }] });
  }
  return { jobs, problems };
}

/** An output must never replace one of the run's inputs, even with --force. */
export function checkNotAnInput(job: QuantizeJob, inputs: ReadonlySet<string>): void {
  if (inputs.has(resolve(job.output))) fail('OUTPUT_IS_INPUT', 'is also an input; inputs are never modified (choose another output)', { file: job.output });
}

export async function quantizeCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...QUANT_OPTIONS,
    output: { type: 'string', short: 'o' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    force: { type: 'boolean' },
    'fail-fast': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    plan: { type: 'string' },
  }, 'quantize');
  if (values.help) {
    process.stdout.write(`${QUANTIZE_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no inputs given\nRun 'quant quantize --help' for usage.");
  if (!values.output) fail('USAGE', "no output given (-o <file|dir>)\nRun 'quant quantize --help' for usage.");
  const settings = quantSettings(values);
  const threads = threadCount(values.threads);
  const quiet = values.quiet === true;
  const json = values.json === true;
  const filter = new NameFilter(values.include ?? [], values.exclude ?? []);
  const plan = values.plan === undefined ? undefined : await readPlanFile(values.plan);
  requireBackend();

  const collected = await collectInputs(positionals, values.output);
  const failures: Failure[] = collected.problems.map((p) => ({ file: p.path, error: p.error }));
  const { jobs, problems } = await planJobs(collected.inputs, values.output, collected.fromDirectory, positionals.length);
  failures.push(...problems);
  const inputPaths = new Set(collected.inputs.map((i) => resolve(i.path)));

  const progress = Progress.forStderr(quiet, jobs.length, 0, 0);
  const warnings = new Warnings(!quiet, progress);
  const onQuantized = (where: { file: string; tensor: string }, x: TensorValues, qt: QuantizedTensor, record: QuantizedRecord): void => {
    const o = tensorOverflow(qt, record.dtype, x);
    if (o) warnings.add({ kind: 'range-overflow', ...where, message: describeOverflow(o, record.dtype, groupCount(qt)) });
  };
  const pool = new BufferPool(Math.max(4, 2 * threads + 2));
  const results: JobResult[] = [];
  const failFast = values['fail-fast'] === true;
  for (const failure of failures) reportFailure(failure, progress);
  if (!quiet) for (const note of collected.notes) process.stderr.write(`note: ${visible(note)}\n`);
  const jobInputs = jobs.flatMap((j) => j.inputs.map((i) => ({ path: i.path, npyName: i.npyName })));
  await checkSelection(filter, jobInputs, (message) => warnings.add({ kind: 'unmatched-glob', message }));
  const applied: AppliedPlan | undefined = plan && (await applyPlan(plan, values.plan!, settings, jobInputs, (message) => warnings.add({ kind: 'unmatched-glob', message })));

  if (!(failFast && failures.length > 0)) {
    for (const job of jobs) {
      try {
        checkNotAnInput(job, inputPaths);
        checkOutputExtension(job.output, SAFETENSORS_EXTENSIONS, 'a safetensors file');
        const result = await runQuantizeJob(job, {
          settings,
          ...(applied ? { settingsFor: applied.settingsFor } : {}),
          select: (name) => filter.selects(name) && (applied?.quantizes(name) ?? true),
          threads,
          force: values.force === true,
          pool,
          progress,
          signal: interruptSignal,
          delayMs: testDelayMs(),
          onQuantized,
        });
        results.push(result);
        if (!quiet && !json) {
          progress.finish();
          const from = result.inputs.length === 1 ? result.inputs[0]! : `${result.inputs.length} files`;
          process.stdout.write(
            `${visible(from)} -> ${visible(result.output)}: ${result.quantized} quantized, ${result.copied} copied, ` +
              `${formatBytes(result.inputBytes)} -> ${formatBytes(result.outputBytes)}\n`,
          );
        }
      } catch (e) {
        const error = toCliError(e, { file: job.inputs.length === 1 ? job.inputs[0]!.path : job.output });
        const failure = { file: error.file ?? job.output, error };
        failures.push(failure);
        reportFailure(failure, progress);
        if (failFast) break;
      }
    }
  }
  progress.finish();

  const exitStatus = exitStatusOf(failures, jobs.length + collected.problems.length + problems.length, failFast);
  if (json) {
    process.stdout.write(
      `${jsonText({
        command: 'quantize',
        ok: failures.length === 0,
        exitStatus,
        backend: backendInfo(),
        settings,
        outputs: results,
        warnings: warnings.json(),
        failures: failures.map(failureJson),
      })}\n`,
    );
  }
  return exitStatus;
}
