import { unlinkSync } from 'node:fs';
import { ExitStatus } from '../errors.js';

/*
 * Temporary files that must not survive the process. On SIGINT, SIGTERM, SIGHUP (the terminal went away) or SIGQUIT
 * they are removed synchronously and the process exits at once with 128 + the signal number, before any pending rename
 * can run; a write still in flight lands in an unlinked inode. The 'exit' hook covers every other way out but SIGKILL,
 * whose leftovers the next run to the same output removes (stale-temporaries.ts).
 */

/** The signals that interrupt quant, and the exit status of each. */
const INTERRUPTS = {
  SIGINT: ExitStatus.SIGINT,
  SIGTERM: ExitStatus.SIGTERM,
  SIGHUP: ExitStatus.SIGHUP,
  SIGQUIT: ExitStatus.SIGQUIT,
} as const;

type InterruptSignal = keyof typeof INTERRUPTS;

const pending = new Set<string>();
const controller = new AbortController();
let installed = false;

function removeAll(): void {
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone (renamed or removed): nothing to clean.
    }
  }
  pending.clear();
}

function onSignal(signal: InterruptSignal): void {
  controller.abort(new Error(`interrupted by ${signal}`));
  removeAll();
  process.stderr.write(`\nquant: interrupted by ${signal}; no partial output was left\n`);
  process.exit(INTERRUPTS[signal]);
}

/** Installs the signal and exit handlers (once). */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  for (const signal of Object.keys(INTERRUPTS) as InterruptSignal[]) process.on(signal, () => onSignal(signal));
  process.on('exit', removeAll);
}

/** Aborted when the process is interrupted: passed to the library's async calls so native work stops early. */
export const interruptSignal: AbortSignal = controller.signal;

export function trackTemporary(path: string): void {
  pending.add(path);
}

export function untrackTemporary(path: string): void {
  pending.delete(path);
}
