/**
 * `pnpm bench:cli`: the CLI end to end. Writes a 1 GiB float32 safetensors file (64 tensors × 4M elements) to a
 * temporary directory, runs the real `quant quantize` binary on it with --threads 2, and reports the input throughput
 * and the peak RSS of the CLI process. Temporary files are removed afterwards (--keep leaves them).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchInput } from '../data.js';
import { machineInfo } from '../machine.js';
import { CLI_RESULT_FILE } from './load.js';
import { runMeasured, type RunResult } from './peak-rss.js';
import type { CliBenchResult } from './result.js';
import { writeSafetensors, type F32Tensor } from './safetensors.js';

const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../results');
const ELEMENTS_PER_TENSOR = 4 * 1024 * 1024;

const HELP = `Usage: pnpm bench:cli [-- options]

Quantizes a generated float32 safetensors file with the real \`quant quantize\` binary and reports GB/s and peak RSS.

  --tensors N     tensors of 4M float32 elements (default 64: 1 GiB)
  --threads N     the CLI's --threads (default 2)
  --runs N        CLI runs on the same file (default 3): the median time and the largest peak RSS are reported
  --keep          keep the temporary files (printed)
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

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { tensors: { type: 'string' }, threads: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'boolean' }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const tensors = Number(values.tensors ?? 64);
  const threads = Number(values.threads ?? 2);
  const runs = Number(values.runs ?? 3);
  if (![tensors, threads, runs].every((v) => Number.isInteger(v) && v >= 1)) throw new Error('--tensors, --threads and --runs take positive integers');
  const bin = cliBin();
  const machine = machineInfo();
  const dir = mkdtempSync(join(os.tmpdir(), 'quant-bench-cli-'));
  const input = join(dir, 'model.safetensors');
  const output = join(dir, 'model.q8.safetensors');
  try {
    log(`writing ${tensors} × ${ELEMENTS_PER_TENSOR} float32 to ${input}`);
    const base = benchInput(ELEMENTS_PER_TENSOR);
    const list: F32Tensor[] = Array.from({ length: tensors }, (_, i) => ({
      name: `layers.${String(i).padStart(2, '0')}.weight`,
      shape: [2048, ELEMENTS_PER_TENSOR / 2048],
      // Each tensor its own scale of the same pattern: cheap to generate, different parameters per tensor.
      data: () => base.map((v) => v * (0.5 + i / tensors)),
    }));
    const inputBytes = writeSafetensors(input, list, { generator: '@quantkit/quant-bench' });
    const args = [bin, 'quantize', input, '-o', output, '--threads', String(threads), '--json', '--force'];
    const results: RunResult[] = [];
    for (let r = 1; r <= runs; r++) {
      log(`run ${r}/${runs}: node ${args.join(' ')}`);
      const result = await runMeasured(process.execPath, args);
      if (result.status !== 0) {
        process.stderr.write(result.stderr);
        throw new Error(`the CLI exited with status ${result.status ?? result.signal}`);
      }
      log(`  ${result.seconds.toFixed(2)} s, peak RSS ${(result.peakRssBytes / 1e6).toFixed(0)} MB`);
      results.push(result);
    }
    const seconds = [...results.map((r) => r.seconds)].sort((a, b) => a - b)[Math.floor(runs / 2)]!;
    const peakRssBytes = Math.max(...results.map((r) => r.peakRssBytes));
    const run = results[0]!;
    let backend: string | undefined;
    try {
      const summary = JSON.parse(run.stdout) as { backend?: { name?: string; isa?: string; threads?: number } };
      if (summary.backend !== undefined) backend = `${summary.backend.name ?? '?'} (${summary.backend.isa ?? '?'}, ${summary.backend.threads ?? '?'} threads)`;
    } catch {
      // No JSON summary: the backend stays unknown.
    }
    const result: CliBenchResult = {
      schema: 1,
      startedAt: new Date().toISOString(),
      command: `pnpm bench:cli${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: { cpuModel: machine.cpuModel, cpus: machine.cpus, node: machine.node, loadAverageStart: machine.loadAverageStart, loadAverageEnd: os.loadavg()[0]! },
      tensors,
      elementsPerTensor: ELEMENTS_PER_TENSOR,
      inputBytes,
      outputBytes: statSync(output).size,
      threads,
      runs: results.map((r) => ({ seconds: r.seconds, peakRssBytes: r.peakRssBytes })),
      seconds,
      gbPerSecond: inputBytes / seconds / 1e9,
      peakRssBytes,
      rssSource: run.rssSource,
      ...(backend !== undefined ? { backend } : {}),
      note: 'input freshly written, so read from the page cache (warm cache); wall time of the whole process, start-up included',
    };
    const json = `${JSON.stringify(result, null, 2)}\n`;
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, CLI_RESULT_FILE), json);
    if (values.json !== undefined) writeFileSync(resolve(values.json), json);
    console.log(
      `quant quantize, ${(inputBytes / 2 ** 30).toFixed(2)} GiB float32 safetensors (${tensors} tensors), --threads ${threads}${backend ? `, backend ${backend}` : ''}:\n` +
        `  median of ${runs} runs ${seconds.toFixed(2)} s, ${result.gbPerSecond.toFixed(2)} GB/s of input (target ≥ 0.8 GB/s: ${result.gbPerSecond >= 0.8 ? 'met' : 'not met'})\n` +
        `  peak RSS ${(peakRssBytes / 1e6).toFixed(0)} MB, the largest of the runs (target ≤ 300 MB: ${peakRssBytes <= 300e6 ? 'met' : 'not met'}; ${run.rssSource})\n` +
        `  output ${(result.outputBytes / 2 ** 20).toFixed(0)} MiB; results/${CLI_RESULT_FILE} written`,
    );
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
