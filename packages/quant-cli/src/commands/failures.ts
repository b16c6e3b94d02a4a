import { ExitStatus, type CliError } from '../errors.js';
import type { Progress } from '../progress.js';
import { visible, visibleLines } from '../safe-text.js';

/** A file that could not be processed, and why. */
export interface Failure {
  readonly file: string;
  readonly error: CliError;
}

/**
 * Errors always go to stderr (even with --quiet): "quant: <file>: tensor '<name>': <reason> [E_CODE]". File and tensor
 * names are shown with their control characters escaped (safe-text.ts); a message keeps its line breaks.
 */
export function reportFailure(f: Failure, progress?: Progress): void {
  progress?.finish();
  const { file, tensor, message, code } = f.error;
  const parts = [...(file !== undefined ? [visible(file)] : []), ...(tensor !== undefined ? [`tensor '${visible(tensor)}'`] : []), visibleLines(message)];
  const [first, ...rest] = parts.join(': ').split('\n');
  process.stderr.write(`quant: ${first} [${code}]\n${rest.map((l) => `${l}\n`).join('')}`);
}

/** A warning on stderr (the run goes on): "quant: warning: <message>", control characters escaped. */
export function reportWarning(message: string, progress?: Progress): void {
  progress?.finish();
  process.stderr.write(`quant: warning: ${visibleLines(message)}\n`);
}

export function failureJson(f: Failure): Record<string, unknown> {
  return { file: f.error.file ?? f.file, tensor: f.error.tensor ?? null, code: f.error.code, exitStatus: f.error.exitStatus, message: f.error.message };
}

/**
 * The run's exit status: 0 without failures; with one unit of work (one output or input) or --fail-fast, the failure's
 * own status; in a batch of several, BATCH_FAILED (each failure was reported with its code). Interrupts win.
 */
export function exitStatusOf(failures: readonly Failure[], units: number, failFast = false): number {
  if (failures.length === 0) return ExitStatus.OK;
  const interrupted = failures.find((f) => f.error.exitStatus === ExitStatus.SIGINT || f.error.exitStatus === ExitStatus.SIGTERM);
  if (interrupted) return interrupted.error.exitStatus;
  if (units <= 1 || failFast) return failures[0]!.error.exitStatus;
  return ExitStatus.BATCH_FAILED;
}

/** QUANT_CLI_TEST_DELAY_MS: milliseconds to pause after each tensor is written (tests use it to interrupt a write). */
export function testDelayMs(): number {
  const v = Number(process.env.QUANT_CLI_TEST_DELAY_MS ?? 0);
  return Number.isFinite(v) && v > 0 ? v : 0;
}
