import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { CliError, ExitStatus, fail, toCliError } from '../errors.js';
import { npyTensorName } from '../formats/open-input.js';
import { nameFilter } from '../glob.js';
import { BufferPool } from '../io/buffer-pool.js';
import { interruptSignal } from '../io/cleanup.js';
import { collectInputs, type InputRef } from '../io/collect-inputs.js';
import { backendInfo } from '../lib.js';
import { parseCommandArgs, QUANT_OPTIONS, QUANT_OPTIONS_HELP, quantSettings, threadCount } from '../options.js';
import { runQuantizeJob, type JobResult, type QuantizeJob } from '../pipeline/quantize-job.js';
import { formatBytes, Progress } from '../progress.js';
import { exitStatusOf, failureJson, reportFailure, testDelayMs, type Failure } from './failures.js';

export const QUANTIZE_HELP = `Usage: quant quantize <inputs...> -o <file|dir> [options]

Quantizes the float tensors of .npy files (float16/32/64, any shape, C or Fortran order, either endianness) and
.safetensors files (F32, F64, F16, BF16; other dtypes are copied through untouched) into safetensors files holding
integer codes, <name>.scale and <name>.zero_point (layout: docs/FORMAT.md). Directories are searched recursively.

Output:
  -o, --output PATH   a file (ends in .safetensors): every input tensor goes into it (a .npy file's tensor is named
                      after its path, e.g. layers/w.npy -> layers.w); a directory (exists, ends in '/', or there are
                      several inputs): one <name>.safetensors per input, mirroring the input directories
  --force             overwrite existing outputs
  --fail-fast         stop at the first failing file (default: report it and carry on)

${QUANT_OPTIONS_HELP}

Run:
  --threads N         tensors processed at once (default: CPU count, at most 8)
  --json              print a machine-readable summary on stdout
  --quiet             print nothing but errors
  -h, --help          show this help

Exit status: 0 ok, 1 some files of a batch failed, 2 usage, 3 not a file, 4 malformed input, 5 unsupported data,
6 output exists, 7 quantization refused, 8 I/O error, 130/143 interrupted (see README).`;

function stripExtension(p: string): string {
  const ext = extname(p);
  return ext ? p.slice(0, -ext.length) : p;
}

/** How the inputs map to outputs: one bundle file, or one file per input in a directory. */
async function planJobs(inputs: readonly InputRef[], output: string, fromDirectory: boolean, inputArgs: number): Promise<{ jobs: QuantizeJob[]; problems: Failure[] }> {
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
function checkNotAnInput(job: QuantizeJob, inputs: ReadonlySet<string>): void {
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
  }, 'quantize');
  if (values.help) {
    process.stdout.write(`${QUANTIZE_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no inputs given\nRun 'quant quantize --help' for usage.");
  if (values.output === undefined) fail('USAGE', "no output given (-o <file|dir>)\nRun 'quant quantize --help' for usage.");
  const settings = quantSettings(values);
  const threads = threadCount(values.threads);
  const quiet = values.quiet === true;
  const json = values.json === true;

  const collected = await collectInputs(positionals, values.output);
  const failures: Failure[] = collected.problems.map((p) => ({ file: p.path, error: p.error }));
  const { jobs, problems } = await planJobs(collected.inputs, values.output, collected.fromDirectory, positionals.length);
  failures.push(...problems);
  const inputPaths = new Set(collected.inputs.map((i) => resolve(i.path)));

  const progress = Progress.forStderr(quiet, jobs.length, 0, 0);
  const pool = new BufferPool(Math.max(4, 2 * threads + 2));
  const results: JobResult[] = [];
  const failFast = values['fail-fast'] === true;
  for (const failure of failures) reportFailure(failure, progress);

  if (!(failFast && failures.length > 0)) {
    for (const job of jobs) {
      try {
        checkNotAnInput(job, inputPaths);
        const result = await runQuantizeJob(job, {
          settings,
          select: nameFilter(values.include ?? [], values.exclude ?? []),
          threads,
          force: values.force === true,
          pool,
          progress,
          signal: interruptSignal,
          delayMs: testDelayMs(),
        });
        results.push(result);
        if (!quiet && !json) {
          progress.finish();
          const from = result.inputs.length === 1 ? result.inputs[0]! : `${result.inputs.length} files`;
          process.stdout.write(
            `${from} -> ${result.output}: ${result.quantized} quantized, ${result.copied} copied, ` +
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
      `${JSON.stringify(
        {
          command: 'quantize',
          ok: failures.length === 0,
          exitStatus,
          backend: backendInfo(),
          settings,
          outputs: results,
          failures: failures.map(failureJson),
        },
        null,
        2,
      )}\n`,
    );
  }
  return exitStatus;
}
