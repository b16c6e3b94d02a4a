import { formatRate } from '../format.js';
import type { WasmBenchResult, WasmRow } from '../wasm/results.js';

/*
 * The section of docs/BENCHMARKS.md on the WebAssembly backend (issue 12), from results/wasm-latest.json: its rates
 * beside the reference and native AVX2 (one thread) of the same run, the targets, and the Chromium row.
 */

const COLUMNS: [string, string][] = [
  ['reference', 'reference'],
  ['native-avx2', 'native AVX2'],
  ['wasm', 'wasm (copies)'],
  ['wasm-zero-copy', 'wasm zero-copy'],
];

const ratio = (a: number | undefined, b: number | undefined): string => (a !== undefined && b !== undefined ? `×${(a / b).toFixed(2)}` : '—');
const rate = (v: number | undefined): string => (v !== undefined ? formatRate(v) : '—');

function rowsTable(rows: readonly WasmRow[]): string[] {
  const present = COLUMNS.filter(([id]) => rows.some((r) => r.rates[id] !== undefined));
  const head = ['', ...present.map(([, label]) => label), 'wasm / native', 'zero-copy / native', 'wasm / reference'];
  return [
    `| ${head.join(' | ')} |`,
    `| :-- | ${head.slice(1).map(() => '--:').join(' | ')} |`,
    ...rows.map((r) => `| ${[r.id, ...present.map(([id]) => rate(r.rates[id])), ratio(r.rates['wasm'], r.rates['native-avx2']), ratio(r.rates['wasm-zero-copy'], r.rates['native-avx2']), ratio(r.rates['wasm'], r.rates['reference'])].join(' | ')} |`),
  ];
}

interface Target {
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

/** The speed targets of issue 12 against this run. */
export function wasmTargets(r: WasmBenchResult): Target[] {
  const row = (prefix: string): WasmRow | undefined => r.rows.find((x) => x.id.startsWith(prefix));
  const small = row('quantize f32 → u8, 256K');
  const q16 = row('quantize f32 → u8, 16M');
  const d16 = row('dequantize u8 → f32, 16M');
  const vs = (w: WasmRow | undefined, col: string, base: string, min: number, what: string): Target => {
    const a = w?.rates[col];
    const b = w?.rates[base];
    const x = a !== undefined && b !== undefined ? a / b : undefined;
    return { what, target: `≥ ${min} × ${base === 'native-avx2' ? 'native AVX2, 1 thread' : 'reference'}`, measured: x !== undefined ? `${formatRate(a!)} (×${x.toFixed(2)})` : 'not measured', met: x !== undefined ? x >= min : undefined };
  };
  const extra = r.call20['wasm'] !== undefined && r.call20['reference'] !== undefined ? r.call20['wasm'] - r.call20['reference'] : undefined;
  return [
    vs(small, 'wasm', 'native-avx2', 0.5, "quantize f32 → u8 256K, 'onnx', copies included"),
    vs(small, 'wasm-zero-copy', 'native-avx2', 0.5, "quantize f32 → u8 256K, 'onnx', zero-copy"),
    vs(small, 'wasm', 'reference', 8, "quantize f32 → u8 256K, 'onnx', copies included"),
    vs(q16, 'wasm', 'native-avx2', 0.4, 'quantize f32 → u8 16M, copies included'),
    vs(q16, 'wasm-zero-copy', 'native-avx2', 0.6, 'quantize f32 → u8 16M, zero-copy'),
    vs(d16, 'wasm', 'native-avx2', 0.4, 'dequantize u8 → f32 16M, copies included'),
    vs(d16, 'wasm-zero-copy', 'native-avx2', 0.6, 'dequantize u8 → f32 16M, zero-copy'),
    {
      what: '20-element quantize call',
      target: '≤ 1 µs more than the reference',
      measured: extra !== undefined ? `${r.call20['wasm']!.toFixed(2)} µs vs ${r.call20['reference']!.toFixed(2)} µs (${extra >= 0 ? '+' : ''}${extra.toFixed(2)} µs)` : 'not measured',
      met: extra !== undefined ? extra <= 1 : undefined,
    },
  ];
}

/** The text table `bench:wasm` prints. */
export function wasmTable(r: WasmBenchResult): string {
  const browser = 'rows' in r.browser ? ['', `Chromium ${r.browser.version}:`, ...rowsTable(r.browser.rows)] : ['', `Chromium: not measured (${r.browser.unavailable})`];
  const targets = wasmTargets(r).map((t) => `${t.met === undefined ? 'n/a' : t.met ? 'met' : 'NOT MET'}  ${t.what}: ${t.target}; ${t.measured}`);
  return [`Node ${r.machine.node}, native ${r.native}:`, ...rowsTable(r.rows), ...browser, '', ...targets].join('\n');
}

/** The section, from `r` (loadWasmResult()'s: undefined when bench:wasm has not run yet). */
export function wasmSection(r: WasmBenchResult | undefined): string {
  const head = '## WebAssembly backend (`pnpm --filter @quantkit/quant-bench bench:wasm`)';
  if (r === undefined) return `${head}\n\nNot measured yet: run \`pnpm --filter @quantkit/quant-bench bench:wasm\`, then regenerate this file.`;
  const targets = wasmTargets(r);
  return [
    head,
    '',
    `@quantkit/quant-wasm (SIMD128, one thread) beside the reference and native AVX2 (${r.native}), timed interleaved in one Node ${r.machine.node} process; "copies" includes copying the input into linear memory and the output back (chunks of 128 KiB), "zero-copy" runs on arrays allocated inside the module's memory (\`backend.memory.allocate\`). ${r.machine.cpus} CPUs (${r.machine.cpuModel}), ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, load average ${r.machine.loadAverageStart.toFixed(2)} → ${r.machine.loadAverageEnd.toFixed(2)}.`,
    '',
    ...rowsTable(r.rows),
    '',
    `20-element quantize call (no routing): ${Object.entries(r.call20).map(([k, v]) => `${k} ${v.toFixed(2)} µs`).join(', ')}.`,
    '',
    ...('rows' in r.browser ? [`The same kernels in headless Chromium ${r.browser.version} (same machine; module compiled asynchronously, timed inside the page):`, '', ...rowsTable(r.browser.rows)] : [`Chromium: not measured (${r.browser.unavailable}).`]),
    '',
    '| target (issue 12) | goal | measured | |',
    '| :-- | :-- | :-- | :-- |',
    ...targets.map((t) => `| ${t.what} | ${t.target} | ${t.measured} | ${t.met === undefined ? 'n/a' : t.met ? 'met' : 'not met'} |`),
  ].join('\n');
}
