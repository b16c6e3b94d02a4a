import { rmSync, statSync } from 'node:fs';
import { runMeasured, type RunResult } from './peak-rss.js';
import type { CliRow } from './result.js';
import { writeSafetensors, type BenchTensor } from './safetensors.js';

export interface RowPlan {
  /** For the log: 'float32', 'bfloat16'. */
  readonly label: string;
  readonly tensors: readonly BenchTensor[];
  readonly elementsPerTensor: number;
  readonly input: string;
  readonly output: string;
}

export interface RowOptions {
  readonly bin: string;
  readonly threads: number;
  readonly runs: number;
  /** Keep the input and output files (else removed once measured). */
  readonly keep: boolean;
  readonly log: (line: string) => void;
}

function argsOf(plan: RowPlan, o: RowOptions): string[] {
  return [o.bin, 'quantize', plan.input, '-o', plan.output, '--threads', String(o.threads), '--json', '--force'];
}

function rowOf(plan: RowPlan, inputBytes: number, results: readonly RunResult[]): CliRow {
  const seconds = [...results.map((r) => r.seconds)].sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  return {
    tensors: plan.tensors.length,
    elementsPerTensor: plan.elementsPerTensor,
    inputBytes,
    outputBytes: statSync(plan.output).size,
    runs: results.map((r) => ({ seconds: r.seconds, peakRssBytes: r.peakRssBytes })),
    seconds,
    gbPerSecond: inputBytes / seconds / 1e9,
    peakRssBytes: Math.max(...results.map((r) => r.peakRssBytes)),
  };
}

/**
 * Writes every row's input, then runs the real `quant quantize` on them (the CLI's defaults, --threads, --json) `runs`
 * times, the rows interleaved (run r of every row before run r + 1 of any), so load from other processes hits them
 * alike. Each row reports the median time and the largest peak RSS. Also returns the first run (its --json summary
 * names the backend).
 */
export async function measureRows(plans: readonly RowPlan[], o: RowOptions): Promise<{ rows: CliRow[]; first: RunResult }> {
  try {
    const inputBytes = plans.map((plan) => {
      o.log(`writing ${plan.tensors.length} × ${plan.elementsPerTensor} ${plan.label} to ${plan.input}`);
      return writeSafetensors(plan.input, plan.tensors, { generator: '@quantkit/quant-bench' });
    });
    const results: RunResult[][] = plans.map(() => []);
    for (let r = 1; r <= o.runs; r++) {
      for (const [k, plan] of plans.entries()) {
        const args = argsOf(plan, o);
        o.log(`${plan.label} run ${r}/${o.runs}: node ${args.join(' ')}`);
        const result = await runMeasured(process.execPath, args);
        if (result.status !== 0) {
          process.stderr.write(result.stderr);
          throw new Error(`the CLI exited with status ${result.status ?? result.signal}`);
        }
        o.log(`  ${result.seconds.toFixed(2)} s, peak RSS ${(result.peakRssBytes / 1e6).toFixed(0)} MB`);
        results[k]!.push(result);
      }
    }
    return { rows: plans.map((plan, k) => rowOf(plan, inputBytes[k]!, results[k]!)), first: results[0]![0]! };
  } finally {
    if (!o.keep) for (const plan of plans) for (const file of [plan.input, plan.output]) rmSync(file, { force: true });
  }
}
