import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ONNX_RESULT_FILE, type OnnxCliBenchResult } from '../cli-bench/onnx-rows.js';

/*
 * The section of docs/BENCHMARKS.md on `quant onnx` (issue 15), from results/cli-onnx-latest.json (`pnpm bench:cli --
 * --onnx`): 1 GiB of float32 weights in external data through --mode qdq and --mode matmul-nbits.
 */

export const ONNX_RESULT_PATH = fileURLToPath(new URL(`../../results/${ONNX_RESULT_FILE}`, import.meta.url));

export function loadOnnxResult(file = ONNX_RESULT_PATH): OnnxCliBenchResult | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as OnnxCliBenchResult;
  if (r.schema !== 1) throw new Error(`${file}: unknown schema ${String(r.schema)}`);
  return r;
}

const met = (ok: boolean): string => (ok ? 'met' : '**not met**');

export function onnxSection(r: OnnxCliBenchResult | undefined = loadOnnxResult()): string {
  const head = '## ONNX models: `quant onnx` (`pnpm bench:cli -- --onnx`)';
  if (r === undefined) return `${head}\n\nNot measured yet: run \`pnpm bench:cli -- --onnx\`, then regenerate this file.`;
  return [
    head,
    '',
    `${r.model.layers} MatMuls with [${r.model.dim}, ${r.model.dim}] float32 weights, ${(r.model.weightBytes / 2 ** 30).toFixed(2)} GiB in external data, ` +
      `through the real CLI; wall time of the whole process (median of ${r.rows[0]?.runs.length ?? 0} runs), peak RSS the largest. ` +
      `Load average ${r.loadAverageStart.toFixed(1)} -> ${r.loadAverageEnd.toFixed(1)} (${r.startedAt}); docs/ONNX.md has the CPU time.`,
    '',
    '| mode | seconds | GB/s of weights (target ≥ 0.5) | peak RSS (target ≤ 400 MB) | output |',
    '| :-- | --: | --: | --: | --: |',
    ...r.rows.map(
      (x) =>
        `| \`--mode ${x.mode}\` | ${x.seconds.toFixed(2)} | ${x.gbPerSecond.toFixed(2)} (${met(x.gbPerSecond >= 0.5)}) | ${(x.peakRssBytes / 1e6).toFixed(0)} MB (${met(x.peakRssBytes <= 400e6)}) | ${(x.outputBytes / 2 ** 20).toFixed(0)} MiB |`,
    ),
  ].join('\n');
}
