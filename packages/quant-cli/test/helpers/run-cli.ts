import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The built executable: the tests run the real `quant` (run `pnpm --filter @quantkit/quant-cli build` first). */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function checkBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the package before testing`);
}

export function quant(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts quant without waiting (for interrupt tests). */
export function quantAsync(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done };
}

export interface TempDir {
  dir: string;
  cleanup(): void;
  /** Creates a new, empty directory in `dir` (`out-0`, `out-1`, ... unless named): what a test leaves there is exact. */
  subdir(name?: string): string;
}

/**
 * Waits until quant has written past the header of its temporary output in `dir` (at least one tensor of the
 * interrupt tests' inputs) and returns the temporary file's name. Given the run, fails at once if quant exits first.
 */
export async function waitForPartialOutput(dir: string, run?: { done: Promise<CliRun> }, timeoutMs = 15_000): Promise<string> {
  let exited: CliRun | undefined;
  void run?.done.then((r) => (exited = r));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && exited === undefined) {
    const tmpFile = readdirSync(dir).find((f) => f.endsWith('.tmp'));
    if (tmpFile && statSync(join(dir, tmpFile)).size > 70_000) return tmpFile;
    await sleep(20);
  }
  throw new Error(`quant never started writing${exited ? `: it exited with ${exited.status}, ${exited.stderr}` : ''}`);
}

export function tempDir(prefix = 'quant-cli-test-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let counter = 0;
  return {
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    subdir(name = `out-${counter++}`) {
      const sub = join(dir, name);
      mkdirSync(sub);
      return sub;
    },
  };
}
