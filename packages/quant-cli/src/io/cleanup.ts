import { unlinkSync } from 'node:fs';
import { ExitStatus } from '../errors.js';

/*
 * Temporary files that must not survive the process. On SIGINT or SIGTERM they are removed synchronously and the
 * process exits at once with 130 or 143, before any pending rename can run; a write still in flight lands in an
 * unlinked inode. The 'exit' hook covers every other way out.
 */

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

function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  controller.abort(new Error(`interrupted by ${signal}`));
  removeAll();
  process.stderr.write(`\nquant: interrupted by ${signal}; no partial output was left\n`);
  process.exit(signal === 'SIGINT' ? ExitStatus.SIGINT : ExitStatus.SIGTERM);
}

/** Installs the signal and exit handlers (once). */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
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
