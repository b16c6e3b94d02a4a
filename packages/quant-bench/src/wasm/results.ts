import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * What `pnpm --filter @quantkit/quant-bench bench:wasm` (wasm/main.ts) writes: the WebAssembly backend beside the
 * reference and native AVX2 (one thread), measured in the same process run, and the same kernels in headless
 * Chromium. The report's WebAssembly section (report/wasm-section.ts) is made from it.
 */
export interface WasmRow {
  /** What is timed, e.g. 'quantize f32 → u8 256K onnx'. */
  readonly id: string;
  readonly elements: number;
  /** Elements per second by column ('reference', 'native-avx2', 'wasm', 'wasm-zero-copy'); absent: not measured. */
  readonly rates: Readonly<Record<string, number>>;
}

export interface WasmBenchResult {
  readonly schema: 1;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly loadAverageStart: number; readonly loadAverageEnd: number; readonly node: string };
  /** The native column's kernel set, or why it is empty. */
  readonly native: string;
  readonly rows: readonly WasmRow[];
  /** Microseconds per 20-element quantize call. */
  readonly call20: Readonly<Record<string, number>>;
  /** The same kernels in Chromium (Debian's /usr/bin/chromium), or why they were not measured. */
  readonly browser: { readonly version: string; readonly rows: readonly WasmRow[] } | { readonly unavailable: string };
}

export const WASM_RESULT_FILE = fileURLToPath(new URL('../../results/wasm-latest.json', import.meta.url));

export function loadWasmResult(file = WASM_RESULT_FILE): WasmBenchResult | undefined {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as WasmBenchResult;
  if (r.schema !== 1) throw new Error(`${file}: unknown schema ${String(r.schema)}`);
  return r;
}
