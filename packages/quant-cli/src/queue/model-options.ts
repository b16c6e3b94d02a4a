import { readFile } from 'node:fs/promises';
import { parseGgufArgs } from '@quantkit/quant-gguf/cli';
import { parseOnnxArgs } from '@quantkit/quant-onnx/cli';
import { fail, toCliError } from '../errors.js';
import { accepts, splitModels } from './command-args.js';
import { checkGgufOptions, ggufFailure } from './gguf-job.js';
import { checkOnnxOptions, onnxFailure } from './onnx-job.js';
import type { PlanText, QueueOptions } from './queue-options.js';

/*
 * The job options of `quant submit --command onnx|gguf`: the command's own arguments, parsed by the command's own
 * parser as if it were run on one of the models (parseOnnxArgs, parseGgufArgs of the packages' `./cli`).
 */

type ModelCommand = 'onnx' | 'gguf';

/** Arguments that make the command's parser complete but for the options under test. */
const PROBE: Readonly<Record<ModelCommand, readonly string[]>> = {
  onnx: ['model.onnx', '-o', 'output.onnx'],
  gguf: ['model.gguf', '-o', 'output.gguf', '--type', 'q8_0'],
};

const PARSERS: Readonly<Record<ModelCommand, (argv: string[]) => unknown>> = { onnx: parseOnnxArgs, gguf: parseGgufArgs };

/** The models and the command's options in `args` (submit's own options taken out). */
export function splitModelArgs(command: ModelCommand, args: readonly string[]): { models: string[]; options: string[] } {
  return splitModels(args, (arg) => accepts(PARSERS[command], [...PROBE[command], arg]));
}

/** The plan file's text, for the jobs to carry: `{ plan }`, or nothing without --plan. */
export async function planOf(path: string | undefined): Promise<{ plan?: PlanText }> {
  if (path === undefined) return {};
  const text = await readFile(path, 'utf8').catch((e: unknown) => {
    throw toCliError(e, { file: path });
  });
  return { plan: { path, text } };
}

const refused = (options: readonly string[], flag: string): boolean => options.some((o) => o === flag || o.startsWith(`${flag}=`));

/** The command's parser on `argv`, its errors as the command reports them. */
function parseAs<T>(parse: (argv: string[]) => T, failure: (e: unknown, file: undefined) => Error, argv: string[]): T {
  try {
    return parse(argv);
  } catch (e) {
    throw failure(e, undefined);
  }
}

/** The options of the jobs, checked as the command checks them before it reads a model (errors: CommandFailure). */
export async function modelQueueOptions(command: ModelCommand, models: readonly string[], options: readonly string[]): Promise<QueueOptions> {
  const argv = [models[0] ?? PROBE[command][0]!, '-o', PROBE[command][2]!, ...options];
  if (command === 'onnx') {
    if (refused(options, '--transformers-js')) fail('USAGE', "--transformers-js is not queued: run 'quant onnx --transformers-js <dir>'");
    const a = parseAs(parseOnnxArgs, onnxFailure, argv);
    if (a.report !== undefined) fail('USAGE', "--report is not queued: run 'quant onnx <model> --report <file>' for a model's error table");
    const o = { command, onnx: a.options, ...(await planOf(a.plan)) } as const;
    checkOnnxOptions(o);
    return o;
  }
  const a = parseAs(parseGgufArgs, ggufFailure, argv);
  if (a.threads !== undefined) fail('USAGE', "--threads is the worker's: 'quant worker --threads N' sets the threads of each job");
  const o = { command, type: a.type, typeFor: a.typeFor, strict: a.strict, ...(await planOf(a.plan)) } as const;
  checkGgufOptions(o);
  return o;
}
