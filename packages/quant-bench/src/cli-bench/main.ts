/**
 * `pnpm bench:cli`: the CLI end to end. Writes a 1 GiB float32 safetensors file (64 tensors × 4M elements) to a
 * temporary directory, runs the real `quant quantize` binary on it with --threads 2, and reports the input throughput
 * and the peak RSS of the CLI process; then the same for a 1 GiB bfloat16 file (128 tensors of the same shape), which
 * the CLI quantizes on its bits, and its elements/s against the float32 file's. Temporary files are removed afterwards
 * (--keep leaves them).
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
import { measureRows } from './measure-rows.js';
import { runOnnxCliBench } from './onnx-rows.js';
import { runGgufCliBench } from './gguf-rows.js';
import { elementsPerSecond, type CliBenchResult, type CliRow } from './result.js';

const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../results');
/** Issue 14's targets for the bfloat16 file: elements/s against the float32 file's, and peak RSS. */
const BF16_RATIO_TARGET = 1.5;
const RSS_TARGET = 300e6;

const HELP = `Usage: pnpm bench:cli [-- options]

Quantizes a generated float32 safetensors file, then a bfloat16 one of the same size and tensor shape, with the real
\`quant quantize\` binary and reports GB/s, elements/s and peak RSS.

  --tensors N     tensors of 4M float32 elements (default 64: 1 GiB); the bfloat16 file has 2N (the same bytes)
  --threads N     the CLI's --threads (default 2)
  --runs N        CLI runs on each file (default 3), the files taking turns: the median time and the largest peak
                  RSS are reported
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
    options: { tensors: { type: 'string' }, threads: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'boolean' }, json: { type: 'string' }, onnx: { type: 'boolean' }, gguf: { type: 'boolean' }, 'gguf-layers': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const tensors = Number(values.tensors ?? 64);
  const threads = Number(values.threads ?? 2);
  const runs = Number(values.runs ?? 3);
  if (![tensors, threads, runs].every((v) => Number.isInteger(v) && v >= 1)) throw new Error('--tensors, --threads and --runs take positive integers');
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
  const dir = mkdtempSync(join(os.tmpdir(), 'quant-bench-cli-'));
  const options = { bin: cliBin(), threads, runs, keep: values.keep === true, log };
  try {
    const { rows, first: run } = await measureRows(
      [
        { label: 'float32', tensors: benchTensors('F32', tensors), elementsPerTensor: ELEMENTS_PER_TENSOR, input: join(dir, 'model.safetensors'), output: join(dir, 'model.q8.safetensors') },
        { label: 'bfloat16', tensors: benchTensors('BF16', 2 * tensors), elementsPerTensor: ELEMENTS_PER_TENSOR, input: join(dir, 'model.bf16.safetensors'), output: join(dir, 'model.bf16.q8.safetensors') },
      ],
      options,
    );
    const [f32, bf16] = rows as [CliRow, CliRow];
    let backend: string | undefined;
    try {
      const summary = JSON.parse(run.stdout) as { backend?: { name?: string; isa?: string; threads?: number } };
      if (summary.backend !== undefined) backend = `${summary.backend.name ?? '?'} (${summary.backend.isa ?? '?'}, ${summary.backend.threads ?? '?'} threads)`;
    } catch {
      // No JSON summary: the backend stays unknown.
    }
    const elementsRatio = elementsPerSecond(bf16) / elementsPerSecond(f32);
    const result: CliBenchResult = {
      schema: 2,
      startedAt: new Date().toISOString(),
      command: `pnpm bench:cli${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: { cpuModel: machine.cpuModel, cpus: machine.cpus, node: machine.node, loadAverageStart: machine.loadAverageStart, loadAverageEnd: os.loadavg()[0]! },
      ...f32,
      threads,
      rssSource: run.rssSource,
      ...(backend !== undefined ? { backend } : {}),
      note: 'input freshly written, so read from the page cache (warm cache); wall time of the whole process, start-up included',
      bf16: { ...bf16, elementsRatio },
    };
    const json = `${JSON.stringify(result, null, 2)}\n`;
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, CLI_RESULT_FILE), json);
    if (values.json !== undefined) writeFileSync(resolve(values.json), json);
    const gib = (row: CliRow): string => (row.inputBytes / 2 ** 30).toFixed(2);
    console.log(
      `quant quantize, ${gib(f32)} GiB float32 safetensors (${tensors} tensors), --threads ${threads}${backend ? `, backend ${backend}` : ''}:\n` +
        rowLines(f32, `${f32.gbPerSecond.toFixed(2)} GB/s of input (target ≥ 0.8 GB/s: ${met(f32.gbPerSecond >= 0.8)}), ${mega(elementsPerSecond(f32))} M elements/s`, run.rssSource) +
        `\nquant quantize, ${gib(bf16)} GiB bfloat16 safetensors (${2 * tensors} tensors of the same shape), --threads ${threads}:\n` +
        rowLines(
          bf16,
          `${bf16.gbPerSecond.toFixed(2)} GB/s of input, ${mega(elementsPerSecond(bf16))} M elements/s: ` +
            `${elementsRatio.toFixed(2)}× the float32 file's (target ≥ ${BF16_RATIO_TARGET}×: ${met(elementsRatio >= BF16_RATIO_TARGET)})`,
          run.rssSource,
        ) +
        `\nresults/${CLI_RESULT_FILE} written`,
    );
    await onnxRows();
    await ggufRows();
    return 0;
  } finally {
    if (values.keep === true) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
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
