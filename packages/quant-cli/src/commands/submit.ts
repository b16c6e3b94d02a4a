import { resolve } from 'node:path';
import { DEFAULT_SPLIT_ELEMENTS, exitStatusOfRun, openFlows, progressLine, statusText, submitRun, waitForRun, type Failure } from '@quantkit/quant-queue';
import { ExitStatus, fail } from '../errors.js';
import { parseCommandArgs, parseInteger, QUANT_OPTIONS, QUANT_OPTIONS_HELP, quantSettings } from '../options.js';
import { CommandFailure } from '../queue/command-failure.js';
import { separateOptions } from '../queue/command-args.js';
import { modelQueueOptions, planOf, splitModelArgs } from '../queue/model-options.js';
import { readPlanFile } from '../plan/quantize-plan.js';
import { absoluteOutput } from '../queue/model-plan.js';
import { queueEngine } from '../queue/queue-engine.js';
import type { QueueOptions } from '../queue/queue-options.js';
import { queueTarget, QUEUE_OPTIONS, QUEUE_OPTIONS_HELP, withQueue } from '../queue/queue-command.js';
import { jsonText, visible, visibleLines } from '../safe-text.js';

export const SUBMIT_HELP = `Usage: quant submit <inputs...> -o <file|dir> --redis <url> [options]
       quant submit --command onnx <models...> -o <file|dir> --redis <url> [quant onnx options]
       quant submit --command gguf <models...> -o <file|dir> --redis <url> --type <type> [quant gguf options]

Queues a run of 'quant quantize' (the default), 'quant onnx' or 'quant gguf' on a BullMQ queue in Redis, for
'quant worker' processes to carry out (on this machine or others that see the same paths: docs/DISTRIBUTED.md), and
prints its run id. The outputs are the bytes the command would write with the same options. quantize: one job per
output file, a tensor of more than --split-elements elements split into row shards; onnx and gguf: one job per model
file (a directory is searched for *.onnx / *.gguf). Work already done (same inputs, size and mtime, same options and
output) is reused. What the command warns about is recorded on the run ('quant status', the end of --wait).

Output:
  -o, --output PATH   quantize: a .safetensors file, or a directory of one output per input; onnx / gguf: the .onnx /
                      .gguf file of a single model, or a directory of one output per model (mirroring the inputs)
  --force             overwrite existing outputs (and redo finished work)
  --command C         quantize (default), onnx or gguf: the command each job runs; the options below are its own

${QUANT_OPTIONS_HELP}
  --plan FILE         quantize: per-tensor choices from a plan file, as 'quant quantize --plan' (docs/ANALYSIS.md)

quant onnx / quant gguf options (with --command onnx / gguf): every option of 'quant onnx' ('quant onnx --help':
--mode, --bits, --scheme, --granularity, --block-size, --ops, --exclude, --calibrate, --plan, ...) or of 'quant gguf'
('quant gguf --help': --type, --type-for, --plan, --strict), parsed by the command itself; -o, --force and --quiet are
submit's. Not queued: onnx's --report and --transformers-js (run 'quant onnx' for them), gguf's --threads (the
worker's --threads sets each job's).

${QUEUE_OPTIONS_HELP}

Run:
  --wait              show one progress line for the whole run until it ends; the exit status is then the run's
                      (as 'quant quantize' would exit)
  --split-elements N  split tensors of more than N elements into row shards (default ${DEFAULT_SPLIT_ELEMENTS})
  --json              print a machine-readable result on stdout
  --quiet             print nothing but the run id and errors
  -h, --help          show this help`;

/** Options of submit itself, whatever the command. */
const SUBMIT_OPTIONS = {
  ...QUEUE_OPTIONS,
  command: { type: 'string' },
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  wait: { type: 'boolean' },
  'split-elements': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

type SubmitCommand = 'quantize' | 'onnx' | 'gguf';

/** The --command of the arguments, read before they are parsed: each command has options of its own. */
function commandOf(args: readonly string[]): SubmitCommand {
  let command = 'quantize';
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    if (args[i] === '--command' && i + 1 < args.length) command = args[++i]!;
    else if (args[i]!.startsWith('--command=')) command = args[i]!.slice('--command='.length);
  }
  if (command !== 'quantize' && command !== 'onnx' && command !== 'gguf') fail('USAGE', `--command must be quantize, onnx or gguf; got '${command}'`);
  return command;
}

/** A failure of `quant onnx` / `quant gguf` as `quant` prints errors: "quant: <file>: <message> [E_CODE]". */
function reportCommandFailure(f: Failure): number {
  const where = [...(f.file !== undefined ? [visible(f.file)] : []), ...(f.tensor !== undefined ? [`tensor '${visible(f.tensor)}'`] : [])];
  process.stderr.write(`quant: ${visibleLines([...where, f.message].join(': '))} [${f.code}]\n`);
  return f.exitStatus;
}

interface SubmitArgs {
  readonly values: { readonly [K in keyof typeof SUBMIT_OPTIONS]?: (typeof SUBMIT_OPTIONS)[K]['type'] extends 'string' ? string : boolean } & { readonly help?: boolean };
  readonly inputs: readonly string[];
  /** The job options (parsed and checked as the command checks them), or the command's failure. */
  readonly options: () => Promise<QueueOptions>;
}

/** quantize's options are parsed with submit's; onnx's and gguf's by their commands' own parsers (model-options.ts). */
function parseSubmitArgs(args: readonly string[]): SubmitArgs {
  const command = commandOf(args);
  if (command === 'quantize') {
    const { values, positionals } = parseCommandArgs(args, { ...QUANT_OPTIONS, ...SUBMIT_OPTIONS, plan: { type: 'string' } }, 'submit');
    const options = async (): Promise<QueueOptions> => {
      // The plan's syntax is checked here, as `quant quantize --plan` checks it; its names against the inputs when the run is planned.
      if (values.plan !== undefined) await readPlanFile(values.plan);
      return { settings: quantSettings(values), include: values.include ?? [], exclude: values.exclude ?? [], ...(await planOf(values.plan)) };
    };
    return { values, inputs: positionals, options };
  }
  const { own, rest } = separateOptions(args, { ...SUBMIT_OPTIONS, help: { type: 'boolean', short: 'h' } });
  const { values } = parseCommandArgs(own, SUBMIT_OPTIONS, 'submit');
  const { models, options } = splitModelArgs(command, rest);
  return { values, inputs: models, options: () => modelQueueOptions(command, models, options) };
}

export async function submitCommand(args: readonly string[]): Promise<number> {
  const { values, inputs: given, options: optionsOf } = parseSubmitArgs(args);
  if (values.help) {
    process.stdout.write(`${SUBMIT_HELP}\n`);
    return ExitStatus.OK;
  }
  if (given.length === 0) fail('USAGE', "no inputs given\nRun 'quant submit --help' for usage.");
  if (!values.output) fail('USAGE', "no output given (-o <file|dir>)\nRun 'quant submit --help' for usage.");
  const target = queueTarget(values, 'submit');
  let options: QueueOptions;
  try {
    options = await optionsOf();
  } catch (e) {
    if (e instanceof CommandFailure) return reportCommandFailure(e.failure);
    throw e;
  }
  const splitElements = parseInteger(values['split-elements'], 'split-elements', 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_SPLIT_ELEMENTS;
  // Workers run elsewhere, in other directories: paths travel absolute (a trailing '/' still says "a directory").
  const output = absoluteOutput(values.output);
  const inputs = given.map((p) => resolve(p));
  return withQueue(target, async (redis, queue) => {
    const flows = openFlows(target);
    try {
      const result = await submitRun({ redis, queue, flows, prefix: target.prefix, engine: queueEngine }, { inputs, output, options, force: values.force === true, splitElements });
      if (!values.json) process.stdout.write(`${result.run}\n`);
      if (!values.quiet && !values.json) process.stderr.write(`quant: queued run ${result.run}: ${result.units} files (${result.reused} already done)\n`);
      if (!values.wait) {
        if (values.json) process.stdout.write(`${jsonText({ command: 'submit', run: result.run, files: result.units, reused: result.reused })}\n`);
        return ExitStatus.OK;
      }
      const tty = process.stderr.isTTY === true && values.quiet !== true;
      const status = await waitForRun(redis, queue, target.prefix, result.run, (s) => {
        if (tty) process.stderr.write(`\r\x1b[K${progressLine(s)}`);
      });
      if (tty) process.stderr.write('\r\x1b[K');
      const exitStatus = exitStatusOfRun(status);
      if (values.json) process.stdout.write(`${jsonText({ command: 'submit', exitStatus, ...status })}\n`);
      else if (!values.quiet || exitStatus !== 0) process.stderr.write(`${visibleLines(statusText(status, false))}\n`);
      return exitStatus;
    } finally {
      await flows.close().catch(() => {});
    }
  });
}
