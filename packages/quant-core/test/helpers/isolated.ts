import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package's entry point, as a URL a child process can import (with the loader of runIsolated). */
export const SOURCE_ENTRY = new URL('../../src/index.ts', import.meta.url).href;

export interface IsolatedResult {
  /** The child was killed at the time limit (the code hung). */
  readonly timedOut: boolean;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs an ES module snippet in a child Node.js process that can import the TypeScript sources (SOURCE_ENTRY), killed
 * after `timeoutMs`. For "does not hang" regressions: a synchronous loop that never ends cannot be interrupted inside
 * the test runner's own thread, but a child process can be, so such a regression fails instead of hanging the run.
 */
export function runIsolated(code: string, timeoutMs = 60_000): IsolatedResult {
  const register = fileURLToPath(new URL('./ts-register.mjs', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', register, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  return { timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT', status: r.status, stdout: r.stdout, stderr: r.stderr };
}
