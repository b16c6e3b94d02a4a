/**
 * `quant gguf`: the command-line face of requantizeGguf, for the quant binary to mount as a subcommand.
 * runGgufCommand(argv) takes the arguments after "gguf" and resolves to the exit status; it never throws.
 */
import { readFile } from 'node:fs/promises';
import { parsePlan, unmatchedPlanEntries, type QuantPlan } from '@quantkit/quant';
import { GgufError } from './errors.js';
import { parseGgufArgs, GGUF_HELP } from './cli/parse-args.js';
import { ExitStatus, reportedError } from './cli/exit-status.js';

export { reportedError } from './cli/exit-status.js';
export { parseGgufArgs, type GgufCommand } from './cli/parse-args.js';
import { formatBytes } from './cli/format-bytes.js';
import { ProgressLine } from './cli/progress-line.js';
import { visible } from './cli/visible.js';
import { requantizeGguf, type RequantizeResult } from './requantize/requantize.js';

const SIGNAL_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;
const FLOAT_NAMES: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);

function printError(e: unknown): number {
  const r = reportedError(e);
  const where = [r.file !== undefined ? visible(r.file) : undefined, r.tensor !== undefined ? `tensor '${visible(r.tensor)}'` : undefined].filter((s) => s !== undefined);
  const [first, ...rest] = [...where, r.message].join(': ').split('\n');
  process.stderr.write(`quant: ${visible(first!)} [${r.code}]\n${rest.map((l) => `${visible(l)}\n`).join('')}`);
  return r.status;
}

function summaryLine(result: RequantizeResult): string {
  const converted = result.tensors.filter((t) => t.action !== 'copy').length;
  const elements = result.tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  const bpw = elements > 0 ? ((result.bytesOut * 8) / elements).toFixed(2) : '-';
  return (
    `${visible(result.output)}: ${result.type.toUpperCase()} (file type ${result.fileType}), ${result.tensors.length} tensors ` +
    `(${converted} re-quantized, ${result.tensors.length - converted} copied), ${formatBytes(result.bytesIn)} -> ${formatBytes(result.bytesOut)}, ${bpw} bits/weight`
  );
}

/** The plan file read and validated; its reader's errors as E_GGUF_PLAN (their ERR_QUANT_PLAN_* code kept). */
async function readPlan(path: string): Promise<QuantPlan> {
  const text = await readFile(path, 'utf8');
  try {
    return parsePlan(text);
  } catch (e) {
    const err = e as Error & { code?: unknown };
    if (typeof err.code === 'string' && err.code.startsWith('ERR_QUANT_PLAN_')) throw new GgufError('E_GGUF_PLAN', `--plan: ${err.message} (${err.code})`, { file: path }, { cause: e });
    throw e;
  }
}

export async function runGgufCommand(argv: string[]): Promise<number> {
  const abort = new AbortController();
  let signalStatus: number | undefined;
  const onSignal = (signal: keyof typeof SIGNAL_STATUS): void => {
    signalStatus = SIGNAL_STATUS[signal];
    abort.abort(new Error(`interrupted by ${signal}`));
  };
  const handlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };
  let progress: ProgressLine | undefined;
  try {
    const cmd = parseGgufArgs(argv);
    if (cmd.help) {
      process.stdout.write(`${GGUF_HELP}\n`);
      return ExitStatus.OK;
    }
    for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
    progress = new ProgressLine(!cmd.quiet && process.stderr.isTTY === true);
    const line = progress;
    const plan = cmd.plan !== undefined ? await readPlan(cmd.plan) : undefined;
    const result = await requantizeGguf(cmd.input, cmd.output, {
      type: cmd.type,
      typeFor: cmd.typeFor,
      ...(plan !== undefined ? { plan } : {}),
      strict: cmd.strict,
      force: cmd.force,
      signal: abort.signal,
      onProgress: (p) => line.update(p),
      ...(cmd.threads !== undefined ? { threads: cmd.threads } : {}),
    });
    progress.clear();
    if (!cmd.quiet) for (const t of result.tensors) if (t.note !== undefined) process.stderr.write(`quant: note: tensor '${visible(t.name)}': ${t.note}\n`);
    if (!cmd.quiet && plan !== undefined) {
      for (const p of unmatchedPlanEntries(plan, result.tensors.filter((t) => FLOAT_NAMES.has(t.from)).map((t) => t.name)).patterns) process.stderr.write(`quant: note: --plan pattern '${visible(p)}' matches no F32/F16/BF16 tensor\n`);
    }
    process.stdout.write(`${summaryLine(result)}\n`);
    return ExitStatus.OK;
  } catch (e) {
    progress?.clear();
    const status = printError(e);
    return signalStatus ?? status;
  } finally {
    for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
  }
}
