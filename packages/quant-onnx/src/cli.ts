import { lstat, readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { parseOnnxArgs, ONNX_HELP } from './cli-args.js';
import { CommandError, describeFailure, OnnxExitStatus } from './cli-errors.js';
import { describeLayout } from './weight-layout.js';
import { resolveOptions } from './options.js';
import { quantizeOnnxModelWithReport } from './quantize-model.js';
import type { OnnxQuantizationReport } from './report.js';

export { ONNX_HELP } from './cli-args.js';
export { OnnxExitStatus } from './cli-errors.js';

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

const MIB = 2 ** 20;

function summary(input: string, output: string, report: OnnxQuantizationReport): string {
  const lines = [
    `${input} -> ${output}: ${report.weights.length} weight(s) quantized, ${(report.inputBytes / MIB).toFixed(2)} MiB -> ${(report.outputBytes / MIB).toFixed(2)} MiB (opset ${report.opset})`,
  ];
  for (const w of report.weights) {
    lines.push(`  ${w.name} [${w.shape.join(', ')}] ${w.dtype} -> ${w.codeType}, ${describeLayout(w.layout)} (${w.firstUse.op})`);
    for (const c of w.conflicts) lines.push(`    warning: ${c.op} '${c.node}' would have used ${describeLayout(c.layout)}; it reads the same DequantizeLinear`);
  }
  for (const s of report.skipped) lines.push(`  skipped ${s.name}: ${s.reason}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `quant onnx <model.onnx> -o <out.onnx> --mode qdq [...]`: returns the exit status (0, or the `quant` CLI's status
 * for the failure) after reporting on `io` (default: the process's streams). The output is written atomically; on any
 * error no file is left behind.
 */
export async function runOnnxCommand(argv: string[], io: CommandIo = process): Promise<number> {
  let path = '';
  try {
    const args = parseOnnxArgs(argv);
    if (args.help) {
      io.stdout.write(`${ONNX_HELP}\n`);
      return OnnxExitStatus.OK;
    }
    resolveOptions(args.options); // option errors first, before any file is touched
    path = args.output;
    await checkOutput(args.input, args.output, args.force);
    path = args.input;
    const bytes = await readFile(args.input);
    const { model, report } = quantizeOnnxModelWithReport(bytes, args.options);
    path = args.output;
    await writeFileAtomic(args.output, model);
    io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : summary(args.input, args.output, report));
    return OnnxExitStatus.OK;
  } catch (error) {
    const failure = describeFailure(error);
    io.stderr.write(`quant onnx: ${path === '' ? '' : `${path}: `}${failure.message} (${failure.code})\n`);
    return failure.exitStatus;
  }
}
