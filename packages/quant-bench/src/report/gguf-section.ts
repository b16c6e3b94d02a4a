import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GGUF_RESULT_FILE, kernelScalingLine, type GgufCliBenchResult, type GgufCliRow } from '../cli-bench/gguf-rows.js';

/*
 * The section of docs/BENCHMARKS.md on `quant gguf` (issue 16), from results/cli-gguf-latest.json (`pnpm bench:cli --
 * --gguf`): a 1 GiB F16 llama-shaped GGUF to Q4_K_M with one and two threads, and the streaming run of a larger one.
 */

export const GGUF_RESULT_PATH = fileURLToPath(new URL(`../../results/${GGUF_RESULT_FILE}`, import.meta.url));

export function loadGgufResult(file = GGUF_RESULT_PATH): GgufCliBenchResult | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as GgufCliBenchResult;
  if (r.schema !== 1) throw new Error(`${file}: unknown schema ${String(r.schema)}`);
  return r;
}

const met = (ok: boolean): string => (ok ? 'met' : '**not met**');
const gib = (n: number): string => (n / 2 ** 30).toFixed(2);

function row(label: string, x: GgufCliRow): string {
  return `| ${label} | ${gib(x.inputBytes)} GiB | ${x.seconds.toFixed(2)} | ${x.cpuSeconds.toFixed(2)} | ${(x.weights / x.seconds / 1e6).toFixed(0)} M/s | ${(x.peakRssBytes / 1e6).toFixed(0)} MB (${met(x.peakRssBytes <= 500e6)}) |`;
}

export function ggufSection(r: GgufCliBenchResult | undefined = loadGgufResult()): string {
  const head = '## GGUF models: `quant gguf` (`pnpm bench:cli -- --gguf`)';
  if (r === undefined) return `${head}\n\nNot measured yet: run \`pnpm bench:cli -- --gguf\`, then regenerate this file.`;
  const [one, two] = r.rows;
  return [
    head,
    '',
    `A generated F16 llama-shaped GGUF (${r.model.layers} layers, vocabulary ${r.model.vocab}, ${(r.model.weights / 1e6).toFixed(0)} M weights, ${gib(r.model.bytes)} GiB) ` +
      `through the real \`quant gguf --type ${r.type}\`: wall time of the whole process (median of ${one?.runs.length ?? 0} runs, the thread counts interleaved), ` +
      `CPU time of all its threads, peak RSS the largest (${r.rssSource}). Load average ${r.loadAverageStart.toFixed(1)} -> ${r.loadAverageEnd.toFixed(1)} (${r.startedAt}); ` +
      'with more runnable processes than CPUs, the second thread gets little CPU and the speedup says so (docs/GGUF.md).',
    '',
    '| run | input | wall s | CPU s | weights/s | peak RSS (≤ 500 MB) |',
    '| :-- | --: | --: | --: | --: | --: |',
    ...r.rows.map((x) => row(`--threads ${x.threads}`, x)),
    ...(r.streaming !== undefined ? [row(`--threads 2, ${r.streaming.layers} layers (streaming)`, r.streaming)] : []),
    '',
    `Two threads: **×${r.speedup.toFixed(2)}** one thread (target ≥ ×1.7: ${met(r.speedup >= 1.7)})${one !== undefined && two !== undefined ? `; CPU seconds ${one.cpuSeconds.toFixed(2)} on one thread, ${two.cpuSeconds.toFixed(2)} on two` : ''}.`,
    ...(r.kernel !== undefined ? ['', `For scale, ${kernelScalingLine(r.kernel)}.`] : []),
  ].join('\n');
}
