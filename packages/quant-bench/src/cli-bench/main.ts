/**
 * `pnpm bench:cli`: the CLI end to end. Writes a 1 GiB float32 safetensors file (64 tensors × 4M elements) to a
 * temporary directory, runs the real `quant quantize` binary on it with --threads 2, and reports the input throughput
 * and the peak RSS of the CLI process; then the same for a 1 GiB bfloat16 file (128 tensors of the same shape), which
 * the CLI quantizes on its bits, and its elements/s against the float32 file's. That ratio is measured first with both
 * files in memory (/dev/shm, when it is a tmpfs with room), where it is quantkit's (reading half the bytes, the half
 * kernels), then with the files on disk (the OS temporary directory), reported as its own, labelled rows: there the
 * bfloat16 file's twice-as-many output bytes, each fsynced, make the ratio the disk's write-back's. Temporary files
 * are removed afterwards (--keep leaves them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from '../machine.js';
import { benchTensors, ELEMENTS_PER_TENSOR } from './inputs.js';
import { CLI_RESULT_FILE } from './load.js';
import { locationOf, memoryDir } from './memory-dir.js';
import { measureRows, type RowOptions } from './measure-rows.js';
import { runOnnxCliBench } from './onnx-rows.js';
import { runGgufCliBench } from './gguf-rows.js';
import { elementsPerSecond, elementsRatios, type CliBenchResult, type CliRow, type HalfRatioPair } from './result.js';

const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../results');
/** Issue 14's targets for the bfloat16 file: elements/s against the float32 file's, and peak RSS. */
const BF16_RATIO_TARGET = 1.5;
const RSS_TARGET = 300e6;

const HELP = `Usage: pnpm bench:cli [-- options]

Quantizes a generated float32 safetensors file, then a bfloat16 one of the same size and tensor shape, with the real
\`quant quantize\` binary and reports GB/s, elements/s and peak RSS.

  --tensors N     tensors of 4M float32 elements (default 64: 1 GiB); the bfloat16 file has 2N (the same bytes)
  --threads N     the CLI's --threads (default 2)
  --runs N        CLI runs on each file on disk (default 3), the files taking turns: the median time and the largest
                  peak RSS are reported
  --ratio-runs N  CLI runs on each file of the in-memory pair that measures the bfloat16 / float32 ratio (default 5)
  --ratio-dir DIR a tmpfs directory for that pair (default /dev/shm; without a tmpfs with room the pair is skipped
                  and the ratio is the disk's, labelled so)
  --safetensors   only the float32 / bfloat16 safetensors rows (no ONNX or GGUF rows)
  --keep          keep the temporary files (printed)
  --onnx          only the ONNX rows: 1 GiB of float32 weights (external data) through quant onnx --mode qdq and
                  --mode matmul-nbits (results/cli-onnx-latest.json; the full run does them after the others)
  --gguf          only the GGUF rows: a generated 1 GiB F16 llama-shaped GGUF through quant gguf --type q4_k_m with
                  --threads 1 and 2 (results/cli-gguf-latest.json; the full run does them last)
  --gguf-layers N also run a GGUF of N layers (N > 8; about 84 MiB a layer) once, for the streaming peak RSS
  --json FILE     also write the JSON result to FILE (always: results/${CLI_RESULT_FILE})`;

function log(line: string): void {
  process.stderr.write(`[bench:cli] ${line}\n`);
}

function cliBin(): string {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('@quantkit/quant-cli/package.json');
  const pkg = require(pkgFile) as { bin?: Record<string, string> };
  const bin = pkg.bin?.['quant'];
  if (bin === undefined) throw new Error('@quantkit/quant-cli has no `quant` bin');
  return join(dirname(pkgFile), bin);
}

const met = (ok: boolean): string => (ok ? 'met' : 'not met');
const mega = (n: number): string => `${(n / 1e6).toFixed(0)}`;

/** The lines of one row: time, throughput, peak RSS, output size. */
function rowLines(row: CliRow, throughput: string, rssSource: string): string {
  return (
    `  median of ${row.runs.length} runs ${row.seconds.toFixed(2)} s, ${throughput}\n` +
    `  peak RSS ${mega(row.peakRssBytes)} MB, the largest of the runs (target ≤ 300 MB: ${met(row.peakRssBytes <= RSS_TARGET)}; ${rssSource})\n` +
    `  output ${(row.outputBytes / 2 ** 20).toFixed(0)} MiB`
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { tensors: { type: 'string' }, threads: { type: 'string' }, runs: { type: 'string' }, 'ratio-runs': { type: 'string' }, 'ratio-dir': { type: 'string' }, safetensors: { type: 'boolean' }, keep: { type: 'boolean' }, json: { type: 'string' }, onnx: { type: 'boolean' }, gguf: { type: 'boolean' }, 'gguf-layers': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const tensors = Number(values.tensors ?? 64);
  const threads = Number(values.threads ?? 2);
  const runs = Number(values.runs ?? 3);
  const ratioRuns = Number(values['ratio-runs'] ?? 5);
  if (![tensors, threads, runs, ratioRuns].every((v) => Number.isInteger(v) && v >= 1)) throw new Error('--tensors, --threads, --runs and --ratio-runs take positive integers');
  const onnxRows = () => runOnnxCliBench({ bin: cliBin(), runs, keep: values.keep === true, resultsDir: RESULTS_DIR, log });
  const streamingLayers = values['gguf-layers'] === undefined ? undefined : Number(values['gguf-layers']);
  if (streamingLayers !== undefined && !Number.isInteger(streamingLayers)) throw new Error('--gguf-layers takes an integer');
  const ggufRows = () => runGgufCliBench({ bin: cliBin(), runs, keep: values.keep === true, resultsDir: RESULTS_DIR, log, ...(streamingLayers !== undefined ? { streamingLayers } : {}) });
  if (values.onnx === true) {
    await onnxRows();
    return 0;
  }
  if (values.gguf === true) {
    await ggufRows();
    return 0;
  }
  const machine = machineInfo();
  const options = { bin: cliBin(), threads, runs, keep: values.keep === true, log };
  // Inputs of both files (4 bytes a float32 element, 2 × 2 a bfloat16 one) and their 8-bit outputs (1 + 2).
  const pairBytes = 11 * tensors * ELEMENTS_PER_TENSOR;
  const memory = memoryDir(pairBytes, values['ratio-dir']);
  let halfRatio: HalfRatioPair | undefined;
  if (memory === undefined) log(`no tmpfs with ${(pairBytes / 2 ** 30).toFixed(1)} GiB free (${values['ratio-dir'] ?? '/dev/shm'}): the bfloat16 / float32 ratio is measured on disk only`);
  else {
    const { f32, bf16 } = await measurePair(memory, tensors, { ...options, runs: ratioRuns });
    const ratios = elementsRatios(f32, bf16);
    halfRatio = { location: locationOf(memory), f32, bf16, elementsRatio: ratios.median, runRatios: ratios.runs };
  }
  const dir = os.tmpdir();
  {
    const { f32, bf16, first: run } = await measurePair(dir, tensors, options);
    let backend: string | undefined;
    try {
      const summary = JSON.parse(run.stdout) as { backend?: { name?: string; isa?: string; threads?: number } };
      if (summary.backend !== undefined) backend = `${summary.backend.name ?? '?'} (${summary.backend.isa ?? '?'}, ${summary.backend.threads ?? '?'} threads)`;
    } catch {
      // No JSON summary: the backend stays unknown.
    }
    const elementsRatio = elementsPerSecond(bf16) / elementsPerSecond(f32);
    const result: CliBenchResult = {
      schema: 3,
      location: locationOf(dir),
      startedAt: new Date().toISOString(),
      command: `pnpm bench:cli${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: { cpuModel: machine.cpuModel, cpus: machine.cpus, node: machine.node, loadAverageStart: machine.loadAverageStart, loadAverageEnd: os.loadavg()[0]! },
      ...f32,
      threads,
      rssSource: run.rssSource,
      ...(backend !== undefined ? { backend } : {}),
      note: 'input freshly written, so read from the page cache (warm cache); wall time of the whole process, start-up included',
      bf16: { ...bf16, elementsRatio },
      ...(halfRatio !== undefined ? { halfRatio } : {}),
    };
    const json = `${JSON.stringify(result, null, 2)}\n`;
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, CLI_RESULT_FILE), json);
    if (values.json !== undefined) writeFileSync(resolve(values.json), json);
    const gib = (row: CliRow): string => (row.inputBytes / 2 ** 30).toFixed(2);
    const onDisk = halfRatio === undefined ? '' : ` (on ${result.location}; the ratio target is judged in memory, below)`;
    console.log(
      `quant quantize, ${gib(f32)} GiB float32 safetensors (${tensors} tensors) on ${result.location}, --threads ${threads}${backend ? `, backend ${backend}` : ''}:\n` +
        rowLines(f32, `${f32.gbPerSecond.toFixed(2)} GB/s of input (target ≥ 0.8 GB/s: ${met(f32.gbPerSecond >= 0.8)}), ${mega(elementsPerSecond(f32))} M elements/s`, run.rssSource) +
        `\nquant quantize, ${gib(bf16)} GiB bfloat16 safetensors (${2 * tensors} tensors of the same shape), --threads ${threads}:\n` +
        rowLines(
          bf16,
          `${bf16.gbPerSecond.toFixed(2)} GB/s of input, ${mega(elementsPerSecond(bf16))} M elements/s: ` +
            (halfRatio === undefined
              ? `${elementsRatio.toFixed(2)}× the float32 file's (target ≥ ${BF16_RATIO_TARGET}×: ${met(elementsRatio >= BF16_RATIO_TARGET)}; on disk, no tmpfs for the in-memory pair)`
              : `${elementsRatio.toFixed(2)}× the float32 file's${onDisk}`),
          run.rssSource,
        ) +
        (halfRatio === undefined ? '' : `\n${ratioLines(halfRatio)}`) +
        `\nresults/${CLI_RESULT_FILE} written`,
    );
    if (values.safetensors === true) return 0;
    await onnxRows();
    await ggufRows();
    return 0;
  }
}

/** The float32 file and the bfloat16 file (twice the tensors, the same bytes) in a new directory under `base`. */
async function measurePair(base: string, tensors: number, options: RowOptions): Promise<{ f32: CliRow; bf16: CliRow; first: Awaited<ReturnType<typeof measureRows>>['first'] }> {
  const dir = mkdtempSync(join(base, 'quant-bench-cli-'));
  try {
    const { rows, first } = await measureRows(
      [
        { label: 'float32', tensors: benchTensors('F32', tensors), elementsPerTensor: ELEMENTS_PER_TENSOR, input: join(dir, 'model.safetensors'), output: join(dir, 'model.q8.safetensors') },
        { label: 'bfloat16', tensors: benchTensors('BF16', 2 * tensors), elementsPerTensor: ELEMENTS_PER_TENSOR, input: join(dir, 'model.bf16.safetensors'), output: join(dir, 'model.bf16.q8.safetensors') },
      ],
      options,
    );
    const [f32, bf16] = rows as [CliRow, CliRow];
    return { f32, bf16, first };
  } finally {
    if (options.keep) options.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** The in-memory pair's lines: the ratio the target is judged on, with every run's. */
function ratioLines(h: HalfRatioPair): string {
  const rate = (row: CliRow): string => `${mega(elementsPerSecond(row))} M elements/s (median of ${row.runs.length} runs, ${row.seconds.toFixed(2)} s)`;
  return (
    `the same two files in memory, ${h.location} (the ratio without the disk's write-back):\n` +
    `  float32 ${rate(h.f32)}, bfloat16 ${rate(h.bf16)}\n` +
    `  bfloat16 / float32 elements/s ${h.elementsRatio.toFixed(2)}× (target ≥ ${BF16_RATIO_TARGET}×: ${met(h.elementsRatio >= BF16_RATIO_TARGET)}); ` +
    `run by run ${h.runRatios.map((r) => r.toFixed(2)).join(', ')}\n` +
    `  peak RSS ${mega(h.bf16.peakRssBytes)} MB (bfloat16), ${mega(h.f32.peakRssBytes)} MB (float32)`
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
