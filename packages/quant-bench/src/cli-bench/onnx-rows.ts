import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { writeOnnxBenchModel } from './onnx-model.js';
import { runMeasured, type RunResult } from './peak-rss.js';

/*
 * The ONNX rows of `pnpm bench:cli` (issue 15): a generated model with 1 GiB of float32 weights in external data
 * (16 MatMuls of [4096, 4096] in model.onnx_data) through the real `quant onnx --mode qdq` and `--mode matmul-nbits`:
 * GB/s of weights end to end (process start to exit, output fsynced) and peak RSS. Targets: >= 0.5 GB/s, <= 400 MB.
 */

export const ONNX_RESULT_FILE = 'cli-onnx-latest.json';
const GBPS_TARGET = 0.5;
const RSS_TARGET = 400e6;
const MODES = ['qdq', 'matmul-nbits'] as const;

export interface OnnxCliRow {
  readonly mode: (typeof MODES)[number];
  readonly weightBytes: number;
  readonly outputBytes: number;
  readonly runs: readonly { readonly seconds: number; readonly peakRssBytes: number }[];
  /** Median wall seconds of the runs. */
  readonly seconds: number;
  readonly gbPerSecond: number;
  readonly peakRssBytes: number;
}

export interface OnnxCliBenchResult {
  readonly schema: 1;
  readonly startedAt: string;
  readonly command: string;
  readonly model: { readonly layers: number; readonly dim: number; readonly weightBytes: number };
  readonly loadAverageStart: number;
  readonly loadAverageEnd: number;
  readonly rssSource: string;
  readonly rows: readonly OnnxCliRow[];
  readonly note: string;
}

export interface OnnxBenchOptions {
  readonly bin: string;
  readonly runs: number;
  readonly keep: boolean;
  readonly resultsDir: string;
  readonly log: (line: string) => void;
  /** MatMul layers of [dim, dim] (default 16 x 4096: 1 GiB). */
  readonly layers?: number;
  readonly dim?: number;
}

const met = (ok: boolean): string => (ok ? 'met' : 'not met');

/** Generates the model, runs both modes `runs` times (interleaved), prints the rows and writes results/cli-onnx-latest.json. */
export async function runOnnxCliBench(o: OnnxBenchOptions): Promise<OnnxCliBenchResult> {
  const dir = mkdtempSync(join(os.tmpdir(), 'quant-bench-onnx-'));
  const loadAverageStart = os.loadavg()[0]!;
  try {
    const layers = o.layers ?? 16;
    const dim = o.dim ?? 4096;
    o.log(`writing ${layers} x [${dim}, ${dim}] float32 MatMul weights as external data to ${dir}`);
    const model = writeOnnxBenchModel(dir, layers, dim);
    const results: RunResult[][] = MODES.map(() => []);
    let rssSource = '';
    for (let r = 1; r <= o.runs; r++) {
      for (const [k, mode] of MODES.entries()) {
        const args = [o.bin, 'onnx', model.path, '-o', join(dir, `out-${mode}.onnx`), '--mode', mode, '--force', '--json'];
        o.log(`${mode} run ${r}/${o.runs}: node ${args.join(' ')}`);
        const result = await runMeasured(process.execPath, args);
        if (result.status !== 0) {
          process.stderr.write(result.stderr);
          throw new Error(`quant onnx exited with status ${result.status ?? result.signal}`);
        }
        rssSource = result.rssSource;
        o.log(`  ${result.seconds.toFixed(2)} s, peak RSS ${(result.peakRssBytes / 1e6).toFixed(0)} MB`);
        results[k]!.push(result);
      }
    }
    const rows = MODES.map((mode, k): OnnxCliRow => {
      const runs = results[k]!;
      const seconds = [...runs.map((x) => x.seconds)].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
      const out = join(dir, `out-${mode}.onnx`);
      return {
        mode,
        weightBytes: model.weightBytes,
        outputBytes: statSync(out).size + statSync(`${out}_data`).size,
        runs: runs.map((x) => ({ seconds: x.seconds, peakRssBytes: x.peakRssBytes })),
        seconds,
        gbPerSecond: model.weightBytes / seconds / 1e9,
        peakRssBytes: Math.max(...runs.map((x) => x.peakRssBytes)),
      };
    });
    const result: OnnxCliBenchResult = {
      schema: 1,
      startedAt: new Date().toISOString(),
      command: `pnpm bench:cli${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      model: { layers, dim, weightBytes: model.weightBytes },
      loadAverageStart,
      loadAverageEnd: os.loadavg()[0]!,
      rssSource,
      rows,
      note: 'input freshly written, so read from the page cache (warm cache); wall time of the whole process, start-up and fsync included',
    };
    mkdirSync(o.resultsDir, { recursive: true });
    writeFileSync(join(o.resultsDir, ONNX_RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
    for (const row of rows) {
      console.log(
        `quant onnx --mode ${row.mode}, ${(model.weightBytes / 2 ** 30).toFixed(2)} GiB of float32 weights (external data, ${layers} x [${dim}, ${dim}]):\n` +
          `  median of ${row.runs.length} runs ${row.seconds.toFixed(2)} s, ${row.gbPerSecond.toFixed(2)} GB/s of weights (target ≥ ${GBPS_TARGET} GB/s: ${met(row.gbPerSecond >= GBPS_TARGET)})\n` +
          `  peak RSS ${(row.peakRssBytes / 1e6).toFixed(0)} MB, the largest of the runs (target ≤ 400 MB: ${met(row.peakRssBytes <= RSS_TARGET)}; ${rssSource})\n` +
          `  output ${(row.outputBytes / 2 ** 20).toFixed(0)} MiB (.onnx + .onnx_data)`,
      );
    }
    console.log(`load average ${loadAverageStart.toFixed(1)} -> ${result.loadAverageEnd.toFixed(1)}; results/${ONNX_RESULT_FILE} written`);
    return result;
  } finally {
    if (o.keep) o.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
