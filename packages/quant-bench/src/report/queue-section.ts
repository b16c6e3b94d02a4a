import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What `pnpm --filter @quantkit/quant-queue bench:queue` (packages/quant-queue/scripts/bench.mjs) writes. */
export interface QueueBenchResult {
  readonly schema: 1;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly loadAverageStart: number; readonly loadAverageEnd: number; readonly node: string };
  readonly inputs: { readonly files: number; readonly mibPerFile: number; readonly tensorsPerFile: number; readonly bytes: number };
  readonly options: string;
  readonly single: Rate;
  /** `quant submit` alone for the same inputs (no --wait, no worker). */
  readonly submitSeconds: number;
  readonly queued: readonly (Rate & { readonly workers: number })[];
  readonly emptyJobs: { readonly jobs: number; readonly msPerJob: number };
}

interface Rate {
  readonly seconds: number;
  readonly filesPerSecond: number;
  readonly gbPerSecond: number;
}

export const QUEUE_RESULT_FILE = fileURLToPath(new URL('../../results/queue-latest.json', import.meta.url));

export function loadQueueResult(file = QUEUE_RESULT_FILE): QueueBenchResult | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as QueueBenchResult;
  if (r.schema !== 1) throw new Error(`${file}: unknown schema ${String(r.schema)}`);
  return r;
}

/** The section of docs/BENCHMARKS.md on `quant submit` with 1, 2 and 4 worker processes (and docs/DISTRIBUTED.md's figures). */
export function queueSection(r: QueueBenchResult | undefined = loadQueueResult()): string {
  const head = '## Distributed: `quant submit` on BullMQ (`pnpm --filter @quantkit/quant-queue bench:queue`)';
  if (r === undefined) return `${head}\n\nNot measured yet: run \`pnpm --filter @quantkit/quant-queue bench:queue\`, then regenerate this file.`;
  const row = (label: string, x: Rate): string => `| ${label} | ${x.seconds.toFixed(2)} | ${x.filesPerSecond.toFixed(2)} | ${x.gbPerSecond.toFixed(3)} | ${(r.single.seconds / x.seconds).toFixed(2)} |`;
  return [
    head,
    '',
    `${r.inputs.files} safetensors files of ${r.inputs.tensorsPerFile} float32 tensors, ${r.inputs.mibPerFile} MiB each (${(r.inputs.bytes / 2 ** 20).toFixed(0)} MiB); ${r.options}. Wall time from process start to exit of \`quant quantize\`, or of \`quant submit --wait\` with the workers already running (one Redis on this machine, append-only file on); the queued outputs were checked to be the bytes of \`quant quantize\`. ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, load average ${r.machine.loadAverageStart.toFixed(2)} → ${r.machine.loadAverageEnd.toFixed(2)}.`,
    '',
    '| | seconds | files/s | GB/s | × one process |',
    '| :-- | --: | --: | --: | --: |',
    row('`quant quantize`, one process', r.single),
    ...r.queued.map((q) => row(`\`quant submit\`, ${q.workers} worker process${q.workers === 1 ? '' : 'es'}`, q)),
    '',
    `Queue overhead per job: **${r.emptyJobs.msPerJob.toFixed(2)} ms** (${r.emptyJobs.jobs} empty jobs queued at once and carried out by one \`quant worker\` process, from the first add to the last completion). The submit rows include \`quant submit\`'s own cost, ${r.submitSeconds.toFixed(2)} s for these files (process start, planning the run from the inputs' headers, queueing; measured alone, with no worker), and the polling of the run's status.`,
  ].join('\n');
}
