import { readFileSync } from 'node:fs';
import * as os from 'node:os';

/** The machine a run measured: what docs/BENCHMARKS.md prints above the numbers. */
export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical CPUs this process may use. */
  readonly cpus: number;
  /** Physical cores per /proc/cpuinfo ('cpu cores'), when it says. */
  readonly cores?: number;
  readonly cpuFlags: readonly string[];
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly v8: string;
  /** 1-minute load average when the run started and ended: other work on the machine shows up here. */
  readonly loadAverageStart: number;
  loadAverageEnd?: number;
}

const INTERESTING_FLAGS = ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx_vnni'];

function cpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

function field(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text);
  return m?.[1]?.trim();
}

export function machineInfo(): MachineInfo {
  const info = cpuinfo();
  const flags = new Set((field(info, 'flags') ?? '').split(/\s+/));
  const cores = Number(field(info, 'cpu cores'));
  return {
    cpuModel: field(info, 'model name') ?? os.cpus()[0]?.model ?? 'unknown',
    cpus: os.availableParallelism(),
    ...(Number.isInteger(cores) && cores > 0 ? { cores } : {}),
    cpuFlags: INTERESTING_FLAGS.filter((f) => flags.has(f)),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAverageStart: os.loadavg()[0]!,
  };
}
