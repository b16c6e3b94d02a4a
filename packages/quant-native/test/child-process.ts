import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildResult {
  /** The child was killed at the time limit (it hung). */
  readonly timedOut: boolean;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildOptions {
  readonly timeoutMs: number;
  /** Variables to set (undefined: remove) on top of this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Register fixtures/ts-loader.mjs, so the fixture can import this package's TypeScript sources. */
  readonly typescript?: boolean;
}

const tsHooks = new URL('./fixtures/ts-loader.mjs', import.meta.url).href;
const registerTsHooks = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(tsHooks)});`)}`;

/**
 * Runs test/fixtures/<fixture> in a child Node.js process, killed (SIGKILL) after `timeoutMs`. For what must not crash
 * or hang: an abort or an endless blocking read in the test runner's own process could not be reported as a failure.
 */
export function runFixture(fixture: string, args: readonly string[], options: ChildOptions): ChildResult {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const flags = options.typescript === true ? ['--import', registerTsHooks] : [];
  const script = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  const r = spawnSync(process.execPath, [...flags, script, ...args], {
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { timedOut, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
