import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The real `quant` of the workspace (packages/quant-cli, built): the tests run its submit / worker / status / cancel
 * and its quantize, in processes of their own, as users do.
 */
export const QUANT_BIN = fileURLToPath(new URL('../../../quant-cli/dist/bin.js', import.meta.url));

export function checkBuilt(): void {
  if (!existsSync(QUANT_BIN)) throw new Error(`${QUANT_BIN} is missing: build @quantkit/quant-cli (pnpm build) before these tests`);
}

export interface QuantRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ChildProcess;
  readonly done: Promise<QuantRun>;
  /** Output so far. */
  stderr(): string;
  /** Resolves when stderr has a line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function start(args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [QUANT_BIN, ...args], { env: { ...process.env, QUANT_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const done = new Promise<QuantRun>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
  return {
    child,
    done,
    stderr: () => stderr,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in stderr within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
      }),
  };
}

export async function quant(args: readonly string[], env: Record<string, string> = {}): Promise<QuantRun> {
  return start(args, env).done;
}

/** Worker processes of one test, stopped (SIGKILL: nothing of theirs matters any more) at the end. */
export class Workers {
  readonly all: Running[] = [];

  constructor(
    private readonly redis: string,
    private readonly prefix: string,
  ) {}

  async add(count: number, env: Record<string, string> = {}, extra: readonly string[] = []): Promise<Running[]> {
    const started = Array.from({ length: count }, () => start(['worker', '--redis', this.redis, '--prefix', this.prefix, '--lock-ms', '2000', '--threads', '1', ...extra], env));
    this.all.push(...started);
    await Promise.all(started.map((w) => w.waitFor(/ready/)));
    return started;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.all.map(async (w) => {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
        await w.done;
      }),
    );
  }
}
