import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A finished child process: exit status, output, wall time and peak resident set size. */
export interface RunResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly peakRssBytes: number;
  readonly rssSource: string;
}

const GNU_TIME = '/usr/bin/time';

/** Whether /usr/bin/time is GNU time (it has -v and prints "Maximum resident set size"). */
function hasGnuTime(): boolean {
  const r = spawnSync(GNU_TIME, ['-v', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /Maximum resident set size/.test(r.stderr);
}

/** VmHWM (peak RSS) of a live process from /proc, in bytes; 0 once it is gone. */
function vmHwm(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs a command to completion and measures its peak RSS: with GNU time -v when available (the kernel's maxrss of the
 * child, exact), else by polling /proc/<pid>/status VmHWM every 10 ms (a high-water mark, so polling misses at most the
 * last 10 ms of growth).
 */
export async function runMeasured(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  const gnu = hasGnuTime();
  const t0 = performance.now();
  const child = gnu ? spawn(GNU_TIME, ['-v', command, ...args], { env }) : spawn(command, args, { env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let polled = 0;
  const timer = gnu ? undefined : setInterval(() => (polled = Math.max(polled, vmHwm(child.pid!))), 10);
  const { status, signal } = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve({ status: code, signal: sig }));
  });
  const seconds = (performance.now() - t0) / 1000;
  if (timer !== undefined) clearInterval(timer);
  if (!gnu) return { status, signal, stdout, stderr, seconds, peakRssBytes: polled, rssSource: 'VmHWM polled every 10 ms from /proc/<pid>/status' };
  const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(stderr);
  // GNU time's own report follows the command's stderr; keep only the command's part.
  const own = stderr.lastIndexOf('\tCommand being timed:');
  return {
    status,
    signal,
    stdout,
    stderr: own >= 0 ? stderr.slice(0, own) : stderr,
    seconds,
    peakRssBytes: m ? Number(m[1]) * 1024 : 0,
    rssSource: 'GNU time -v, "Maximum resident set size" of the CLI process',
  };
}
