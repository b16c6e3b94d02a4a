import { lstat, readFile, realpath } from 'node:fs/promises';
import { parsePlan, QuantError, type QuantPlan } from '@quantkit/quant';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { parseOnnxArgs, ONNX_HELP, type OnnxCommandArgs } from './cli-args.js';
import { CommandError, describeFailure, OnnxExitStatus, usage } from './cli-errors.js';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { resolveOptions } from './options.js';
import { externalDataNameFor, quantizeOnnxFile } from './quantize-file.js';
import type { OnnxQuantizationReport } from './report.js';
import { modelFolderOf, q8WantsUint8, transformersJsJobs } from './transformers-js.js';
import { formatWeightErrors, measureWeightErrors, reportFormatOf } from './weight-errors.js';
import { describeLayout } from './weight-layout.js';

export { ONNX_HELP, parseOnnxArgs, type OnnxCommandArgs } from './cli-args.js';
export { describeFailure, OnnxExitStatus } from './cli-errors.js';

export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Refuses to replace the input, a non-regular file, or (without --force) any existing file. */
async function checkOutput(input: string, output: string, force: boolean): Promise<void> {
  const existing = await lstat(output).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (existing === undefined) return;
  if ((await realpath(output)) === (await realpath(input).catch(() => resolve(input)))) {
    throw new CommandError('E_OUTPUT_IS_INPUT', `the output '${output}' is the input model`, OnnxExitStatus.OUTPUT_EXISTS);
  }
  if (!existing.isFile()) throw new CommandError('E_OUTPUT_NOT_REGULAR', `'${output}' exists and is not a regular file`, OnnxExitStatus.OUTPUT_EXISTS);
  if (!force) throw new CommandError('E_OUTPUT_EXISTS', `'${output}' exists (use --force to replace it)`, OnnxExitStatus.OUTPUT_EXISTS);
}

/** The output and, beside it, the external data file it may get. */
async function checkOutputs(input: string, output: string, force: boolean): Promise<void> {
  await checkOutput(input, output, force);
  await checkOutput(input, join(dirname(output), externalDataNameFor(output)), force);
}

const MIB = 2 ** 20;

/** Refusals that mean "this model has no such variant" in a transformers.js folder (the others stop the command). */
const SKIPPED_VARIANT: ReadonlySet<string> = new Set([OnnxErrorCodes.NOTHING_TO_QUANTIZE, OnnxErrorCodes.FLOAT16, OnnxErrorCodes.ALREADY_FLOAT16]);

function summary(input: string, output: string, report: OnnxQuantizationReport): string {
  const external = report.externalData === undefined ? '' : `, external data ${report.externalData.location}`;
  const lines = [
    `${input} -> ${output}: ${report.mode}${report.float16 !== undefined && report.mode !== 'fp16' ? ' on the float16 graph' : ''}, ${report.mode === 'fp16' ? 'converted to float16' : `${report.weights.length} weight(s) quantized`}, ${(report.inputBytes / MIB).toFixed(2)} MiB -> ${(report.outputBytes / MIB).toFixed(2)} MiB (opset ${report.opset}${external})`,
  ];
  if (report.float16 !== undefined) {
    const f = report.float16;
    const kept = f.keptFloat32.length === 0 ? '' : `; kept float32: ${f.keptFloat32.join(', ')}`;
    lines.push(`  float16: ${f.initializers} initializer(s), ${f.constants} constant(s), ${f.casts} Cast(s), ${f.saturated} value(s) saturated to ±65504${kept}`);
  }
  for (const w of report.weights) {
    lines.push(`  ${w.name} [${w.shape.join(', ')}] ${w.dtype} -> ${w.codeType}, ${describeLayout(w.layout)}, read by ${w.readBy} (was ${w.firstUse.op})`);
    for (const c of w.conflicts) lines.push(`    warning: ${c.op} '${c.node}' would have used ${describeLayout(c.layout)}; it reads the same DequantizeLinear`);
  }
  for (const s of report.skipped) lines.push(`  skipped ${s.name}: ${s.reason}`);
  return `${lines.join('\n')}\n`;
}

/** A plan file, parsed and validated (its QuantError becomes E_ONNX_PLAN with the plan format's code). */
async function readPlan(path: string): Promise<QuantPlan> {
  const text = await readFile(path, 'utf8');
  try {
    return parsePlan(text);
  } catch (cause) {
    if (!(cause instanceof QuantError)) throw cause;
    throw new OnnxError(OnnxErrorCodes.PLAN, `${cause.message} (${cause.code})`, { cause });
  }
}

async function singleModel(args: OnnxCommandArgs, io: CommandIo, at: (path: string) => void): Promise<number> {
  const reportFormat = args.report === undefined ? undefined : reportFormatOf(args.report);
  if (args.report !== undefined && reportFormat === undefined) usage(`--report '${args.report}': the file must end in .json, .md or .html`);
  if (args.report !== undefined && args.options.mode === 'fp16') usage('--report: mode fp16 quantizes no weight (it has no error table)');
  let options = args.options;
  if (args.plan !== undefined) {
    at(args.plan);
    options = { ...options, plan: await readPlan(args.plan) };
  }
  at(args.output);
  await checkOutputs(args.input, args.output, args.force);
  if (args.report !== undefined) await checkOutput(args.input, args.report, args.force);
  at(args.input);
  const report = await quantizeOnnxFile(args.input, args.output, options);
  if (report.plan !== undefined && report.plan.unmatchedPatterns.length > 0) {
    io.stderr.write(`quant onnx: warning: plan patterns that match no weight: ${report.plan.unmatchedPatterns.join(', ')}\n`);
  }
  if (args.report !== undefined) {
    const rows = await measureWeightErrors(args.input, report, args.options);
    at(args.report);
    await writeFileAtomic(args.report, new TextEncoder().encode(formatWeightErrors(rows, reportFormat!, `quant onnx ${args.input} (${report.mode}): per-tensor weight error`)));
  }
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : summary(args.input, args.output, report));
  return OnnxExitStatus.OK;
}

async function transformersJsFolder(args: OnnxCommandArgs, io: CommandIo, at: (path: string) => void): Promise<number> {
  if (args.options.ops !== undefined) usage('--transformers-js writes fixed variants; --ops does not apply');
  if (args.options.blockSize !== undefined) resolveOptions({ mode: 'matmul-nbits', blockSize: args.options.blockSize }); // q4's block size
  at(args.transformersJs!);
  const folder = await modelFolderOf(args.transformersJs!);
  const jobs = await transformersJsJobs(folder);
  if (jobs.length === 0) throw new CommandError('E_NOT_FOUND', `no *.onnx model in '${folder}'`, OnnxExitStatus.NOT_A_FILE);
  for (const job of jobs) {
    at(job.output);
    await checkOutputs(job.input, job.output, args.force); // every target is checked before anything is written
  }
  const reports: Record<string, OnnxQuantizationReport | string> = {};
  const wantsUint8 = new Map<string, boolean>();
  for (const job of jobs) {
    at(job.input);
    if (!wantsUint8.has(job.input)) wantsUint8.set(job.input, await q8WantsUint8(job.input));
    const own = job.variant.options(wantsUint8.get(job.input)!, args.options.blockSize);
    // fp16 quantizes nothing: --exclude and --calibrate apply to the quantized variants.
    const options = own.mode === 'fp16' ? own : { ...own, exclude: args.options.exclude, calibrate: args.options.calibrate };
    try {
      const report = await quantizeOnnxFile(job.input, job.output, options);
      reports[job.output] = report;
      if (!args.json) io.stdout.write(`${job.variant.dtype}: ${summary(job.input, job.output, report).split('\n')[0]}\n`);
    } catch (error) {
      // A model without a weight the variant rewrites (no MatMul for q4, say) gets no such variant; anything else stops.
      // A model the float16 conversion cannot take (a subgraph) or that is float16 already gets no fp16 / q4f16 either.
      if (!(error instanceof OnnxError && SKIPPED_VARIANT.has(error.code))) throw error;
      reports[job.output] = error.code === OnnxErrorCodes.NOTHING_TO_QUANTIZE ? 'skipped: nothing to quantize' : `skipped: ${error.code}`;
      if (!args.json) io.stdout.write(`${job.variant.dtype}: ${job.input}: no ${job.variant.dtype} variant (${error.message})\n`);
    }
  }
  if (args.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  return OnnxExitStatus.OK;
}

/**
 * `quant onnx <model.onnx> -o <out.onnx> [--mode ...]` or `quant onnx --transformers-js <dir>`: returns the exit status
 * (0, or the `quant` CLI's status for the failure) after reporting on `io` (default: the process's streams). Outputs are
 * written atomically; on any error no partial file is left behind.
 */
export async function runOnnxCommand(argv: string[], io: CommandIo = process): Promise<number> {
  let path = '';
  const at = (p: string) => (path = p);
  try {
    const args = parseOnnxArgs(argv);
    if (args.help) {
      io.stdout.write(`${ONNX_HELP}\n`);
      return OnnxExitStatus.OK;
    }
    resolveOptions(args.transformersJs === undefined ? args.options : { ...args.options, blockSize: undefined }); // option errors first
    return args.transformersJs === undefined ? await singleModel(args, io, at) : await transformersJsFolder(args, io, at);
  } catch (error) {
    const failure = describeFailure(error);
    io.stderr.write(`quant onnx: ${path === '' ? '' : `${path}: `}${failure.message} (${failure.code})\n`);
    return failure.exitStatus;
  }
}
