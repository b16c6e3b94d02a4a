import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LAYERS, writeGgufBenchModel, type GgufBenchModel } from './gguf-model.js';
import { measureKernelScaling, type KernelScaling } from './kernel-scaling.js';
import { runMeasured, type RunResult } from './peak-rss.js';

/*
 * The GGUF rows of `pnpm bench:cli` (issue 16): a generated 1 GiB F16 llama-shaped model (gguf-model.ts) through the
 * real `quant gguf --type q4_k_m` with --threads 1 and --threads 2 (runs interleaved): wall seconds (process start to
 * exit), peak RSS, and the two-thread speedup (target ≥ 1.7×). With `--gguf-layers N` (N > 8) a larger model of the
 * same shapes is run once more with --threads 2 for the streaming figure: peak RSS whatever the size (target ≤ 500 MB).
 * Beside the speedup, the q4_k kernel's own two-thread speedup on this machine (kernel-scaling.ts): its ceiling.
 */

export const GGUF_RESULT_FILE = 'cli-gguf-latest.json';
const SPEEDUP_TARGET = 1.7;
const RSS_TARGET = 500e6;
const TYPE = 'q4_k_m';

export interface GgufCliRow {
  readonly threads: number;
  readonly inputBytes: number;
  readonly weights: number;
  readonly outputBytes: number;
  readonly runs: readonly { readonly seconds: number; readonly cpuSeconds: number; readonly peakRssBytes: number }[];
  /** Median wall seconds of the runs. */
  readonly seconds: number;
  /** Median CPU seconds (user + system, all threads) of the runs: what the work costs whatever else runs. */
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
}

export interface GgufCliBenchResult {
  readonly schema: 1;
  readonly startedAt: string;
  readonly command: string;
  readonly type: typeof TYPE;
  readonly model: { readonly layers: number; readonly vocab: number; readonly bytes: number; readonly weights: number };
  readonly loadAverageStart: number;
  readonly loadAverageEnd: number;
  readonly rssSource: string;
  readonly rows: readonly GgufCliRow[];
  /** rows' one-thread median seconds over the two-thread one. */
  readonly speedup: number;
  /** The q4_k kernel's two-thread speedup in one process, measured after the runs (absent without the addon). */
  readonly kernel?: KernelScaling;
  /** The larger model (--gguf-layers), one run with --threads 2. */
  readonly streaming?: GgufCliRow & { readonly layers: number };
  readonly note: string;
}

export interface GgufBenchOptions {
  readonly bin: string;
  readonly runs: number;
  readonly keep: boolean;
  readonly resultsDir: string;
  readonly log: (line: string) => void;
  /** Layers of the streaming model (none when undefined or not above the default). */
  readonly streamingLayers?: number;
}

const met = (ok: boolean): string => (ok ? 'met' : 'not met');
const median = (v: readonly number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const gib = (n: number): string => (n / 2 ** 30).toFixed(2);
const mb = (n: number): string => (n / 1e6).toFixed(0);

type TimedRun = RunResult & { readonly cpuSeconds: number };

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds of this process's waited-for children so far (cutime + cstime of /proc/self/stat), or NaN off Linux. */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS; // fields 16 and 17 of proc(5)
  } catch {
    return Number.NaN;
  }
}

async function runGguf(o: GgufBenchOptions, model: GgufBenchModel, out: string, threads: number, label: string): Promise<TimedRun> {
  // Every run writes a new file, as the first one does: replacing the previous run's output would add the deletion of
  // its 322 MiB (inside the rename, about 0.06 s here) to every later run of both rows.
  rmSync(out, { force: true });
  const cpu0 = childrenCpuSeconds();
  const args = [o.bin, 'gguf', model.path, '-o', out, '--type', TYPE, '--threads', String(threads), '--force', '--quiet'];
  o.log(`${label}: node ${args.join(' ')}`);
  const result = await runMeasured(process.execPath, args);
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`quant gguf exited with status ${result.status ?? result.signal}`);
  }
  const cpuSeconds = childrenCpuSeconds() - cpu0;
  o.log(`  ${result.seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s), peak RSS ${mb(result.peakRssBytes)} MB`);
  return { ...result, cpuSeconds };
}

function rowOf(threads: number, model: GgufBenchModel, out: string, runs: readonly TimedRun[]): GgufCliRow {
  return {
    threads,
    inputBytes: model.bytes,
    weights: model.weights,
    outputBytes: statSync(out).size,
    runs: runs.map((r) => ({ seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakRssBytes: r.peakRssBytes })),
    seconds: median(runs.map((r) => r.seconds)),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
  };
}

/** The kernel's own speedup, the ceiling of the CLI's. */
export function kernelScalingLine(k: KernelScaling): string {
  const rate = (v: number): string => `${(v / 1e6).toFixed(0)} M/s`;
  return `the ${k.format} kernel alone on this machine (in one process, ${k.elements / 2 ** 20}M elements): ${rate(k.oneThread)} on one thread, ${rate(k.twoThreads)} on two, ×${k.speedup.toFixed(2)}: the ceiling of the CLI's speedup`;
}

/** Generates the model(s), runs them, prints the rows and writes results/cli-gguf-latest.json. */
export async function runGgufCliBench(o: GgufBenchOptions): Promise<GgufCliBenchResult> {
  const dir = mkdtempSync(join(os.tmpdir(), 'quant-bench-gguf-'));
  const loadAverageStart = os.loadavg()[0]!;
  try {
    const input = join(dir, 'model-f16.gguf');
    o.log(`writing a ${DEFAULT_LAYERS}-layer F16 llama-shaped GGUF to ${input}`);
    const model = await writeGgufBenchModel(input);
    const threadCounts = [1, 2] as const;
    const results: TimedRun[][] = threadCounts.map(() => []);
    const outOf = (threads: number): string => join(dir, `out-${threads}t.gguf`);
    for (let r = 1; r <= o.runs; r++) {
      for (const [k, threads] of threadCounts.entries()) results[k]!.push(await runGguf(o, model, outOf(threads), threads, `${TYPE} --threads ${threads} run ${r}/${o.runs}`));
    }
    const rows = threadCounts.map((threads, k) => rowOf(threads, model, outOf(threads), results[k]!));
    rmSync(input, { force: true });
    let streaming: GgufCliBenchResult['streaming'];
    if (o.streamingLayers !== undefined && o.streamingLayers > DEFAULT_LAYERS) {
      const big = join(dir, 'model-big-f16.gguf');
      o.log(`writing a ${o.streamingLayers}-layer F16 GGUF to ${big}`);
      const bigModel = await writeGgufBenchModel(big, o.streamingLayers);
      const run = await runGguf(o, bigModel, outOf(0), 2, `${TYPE} --threads 2, ${gib(bigModel.bytes)} GiB`);
      streaming = { ...rowOf(2, bigModel, outOf(0), [run]), layers: o.streamingLayers };
      rmSync(big, { force: true });
    }
    const [one, two] = rows as [GgufCliRow, GgufCliRow];
    o.log('the q4_k kernel alone, one and two threads of the addon');
    const kernel = await measureKernelScaling();
    const result: GgufCliBenchResult = {
      schema: 1,
      startedAt: new Date().toISOString(),
      command: `pnpm bench:cli${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      type: TYPE,
      model: { layers: model.layers, vocab: model.vocab, bytes: model.bytes, weights: model.weights },
      loadAverageStart,
      loadAverageEnd: os.loadavg()[0]!,
      rssSource: results[0]![0]!.rssSource,
      rows,
      speedup: one.seconds / two.seconds,
      ...(kernel !== undefined ? { kernel } : {}),
      ...(streaming !== undefined ? { streaming } : {}),
      note: 'input freshly written, so read from the page cache (warm cache); wall time of the whole process, start-up included',
    };
    mkdirSync(o.resultsDir, { recursive: true });
    writeFileSync(join(o.resultsDir, GGUF_RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
    const rate = (row: GgufCliRow): string => `${(row.weights / row.seconds / 1e6).toFixed(0)} M weights/s, ${(row.inputBytes / row.seconds / 1e9).toFixed(2)} GB/s of input`;
    for (const row of rows) {
      console.log(
        `quant gguf --type ${TYPE} --threads ${row.threads}, ${gib(row.inputBytes)} GiB F16 GGUF (${model.layers} layers, ${(model.weights / 1e6).toFixed(0)} M weights):\n` +
          `  median of ${row.runs.length} runs ${row.seconds.toFixed(2)} s (CPU ${row.cpuSeconds.toFixed(2)} s), ${rate(row)}\n` +
          `  peak RSS ${mb(row.peakRssBytes)} MB, the largest of the runs (≤ 500 MB: ${met(row.peakRssBytes <= RSS_TARGET)}; ${result.rssSource}); output ${(row.outputBytes / 2 ** 20).toFixed(0)} MiB`,
      );
    }
    console.log(`  two threads ${result.speedup.toFixed(2)}× one (target ≥ ${SPEEDUP_TARGET}×: ${met(result.speedup >= SPEEDUP_TARGET)})`);
    if (kernel !== undefined) console.log(`  ${kernelScalingLine(kernel)}`);
    if (streaming !== undefined) {
      console.log(
        `quant gguf --type ${TYPE} --threads 2, ${gib(streaming.inputBytes)} GiB F16 GGUF (${streaming.layers} layers): ${streaming.seconds.toFixed(2)} s, ${rate(streaming)}, ` +
          `peak RSS ${mb(streaming.peakRssBytes)} MB (streaming, target ≤ 500 MB: ${met(streaming.peakRssBytes <= RSS_TARGET)})`,
      );
    }
    console.log(`  load average ${loadAverageStart.toFixed(1)} at the start on ${os.availableParallelism()} CPUs: above their number, other processes take the second thread's CPU and the speedup shows it`);
    console.log(`load average ${loadAverageStart.toFixed(1)} -> ${result.loadAverageEnd.toFixed(1)}; results/${GGUF_RESULT_FILE} written`);
    return result;
  } finally {
    if (o.keep) o.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
