/**
 * `pnpm --filter @quantkit/quant-bench bench:wasm`: the WebAssembly backend beside the reference and native AVX2 (one
 * thread) in one process run, and in headless Chromium; writes results/wasm-latest.json, from which the report's
 * WebAssembly section is generated (`pnpm --filter @quantkit/quant-bench report`). `--quick`: fewer repetitions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname } from 'node:path';
import { createWasmBackend } from '@quantkit/quant-wasm';
import { loadNative } from '../backends.js';
import { FULL, QUICK } from '../settings.js';
import { browserRows } from './browser-rows.js';
import { call20, nodeRows, type Columns } from './node-rows.js';
import { WASM_RESULT_FILE, type WasmBenchResult } from './results.js';
import { wasmTable } from '../report/wasm-section.js';

function log(line: string): void {
  process.stderr.write(`[bench:wasm] ${line}\n`);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const settings = quick ? QUICK : FULL;
  const startedAt = new Date().toISOString();
  const loadAverageStart = os.loadavg()[0]!;
  const load = await loadNative();
  const native = load.ok ? load.native.createNativeBackend({ isa: 'avx2', threads: 1 }) : undefined;
  const columns: Columns = { wasm: createWasmBackend(), ...(native !== undefined ? { native } : {}) };
  const rows = await nodeRows(columns, settings.kernel, log);
  log('20-element calls');
  const perCall = await call20(columns, settings.overhead);
  log('Chromium');
  const browser = await browserRows(quick ? 5 : 25, quick ? 3 : 7).catch((e: unknown) => ({ unavailable: e instanceof Error ? e.message.split('\n')[0]! : String(e) }));
  const result: WasmBenchResult = {
    schema: 1,
    startedAt,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', loadAverageStart, loadAverageEnd: os.loadavg()[0]!, node: process.version },
    native: native !== undefined ? `${native.isa}, 1 thread` : load.ok ? 'unavailable' : load.reason,
    rows,
    call20: perCall,
    browser,
  };
  mkdirSync(dirname(WASM_RESULT_FILE), { recursive: true });
  writeFileSync(WASM_RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${wasmTable(result)}\n`);
  log(`results: ${WASM_RESULT_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
