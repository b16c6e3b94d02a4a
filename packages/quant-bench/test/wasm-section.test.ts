import { describe, expect, it } from 'vitest';
import { wasmSection, wasmTargets } from '../src/report/wasm-section.js';
import type { WasmBenchResult } from '../src/wasm/results.js';

/* The WebAssembly section of docs/BENCHMARKS.md: issue 12's targets judged from a bench:wasm result. */
const G = 1e9;
const result = (overrides: Partial<WasmBenchResult> = {}): WasmBenchResult => ({
  schema: 1,
  startedAt: '2026-12-07T18:00:00.000Z',
  machine: { cpus: 2, cpuModel: 'test CPU', loadAverageStart: 1, loadAverageEnd: 1, node: 'v20.20.2' },
  native: 'avx2, 1 thread',
  rows: [
    { id: "quantize f32 → u8, 256K, 'onnx'", elements: 262144, rates: { reference: 0.25 * G, 'native-avx2': 4 * G, wasm: 2.2 * G, 'wasm-zero-copy': 2.6 * G } },
    { id: "quantize f32 → u8, 16M, 'onnx'", elements: 16 << 20, rates: { reference: 0.2 * G, 'native-avx2': 1.6 * G, wasm: 0.7 * G, 'wasm-zero-copy': 0.9 * G } },
    { id: 'dequantize u8 → f32, 16M', elements: 16 << 20, rates: { reference: 0.4 * G, 'native-avx2': 1.9 * G, wasm: 0.7 * G, 'wasm-zero-copy': 1.2 * G } },
  ],
  call20: { reference: 0.15, wasm: 0.7 },
  browser: { version: '156.0', rows: [] },
  ...overrides,
});

describe('wasmTargets', () => {
  it('judges every target of issue 12 from the same-run ratios', () => {
    const t = wasmTargets(result());
    expect(t.map((x) => x.met)).toEqual([true, true, true, true, false, false, true, true]);
    expect(t[0]!.measured).toBe('2.20 G/s (×0.55)');
    expect(t[4]!.measured).toBe('900 M/s (×0.56)'); // 16M zero-copy quantize: 0.56 < 0.6
    expect(t[7]!.measured).toContain('+0.55 µs');
  });

  it('says n/a where the native column is empty', () => {
    const noNative = result({ rows: result().rows.map((r) => ({ ...r, rates: { reference: r.rates['reference']!, wasm: r.rates['wasm']! } })) });
    const t = wasmTargets(noNative);
    expect(t.filter((x) => x.target.includes('native')).every((x) => x.met === undefined && x.measured === 'not measured')).toBe(true);
    expect(t.find((x) => x.target.includes('reference'))!.met).toBe(true);
  });
});

describe('wasmSection', () => {
  it('renders the rows, the Chromium rows and the targets', () => {
    const md = wasmSection(result({ browser: { version: '156.0', rows: [result().rows[0]!] } }));
    expect(md).toContain('## WebAssembly backend');
    expect(md).toContain("| quantize f32 → u8, 256K, 'onnx' | 250 M/s | 4.00 G/s | 2.20 G/s | 2.60 G/s | ×0.55 | ×0.65 | ×8.80 |");
    expect(md).toContain('headless Chromium 156.0');
    expect(md).toContain('| quantize f32 → u8 16M, zero-copy | ≥ 0.6 × native AVX2, 1 thread | 900 M/s (×0.56) | not met |');
  });

  it('says how to measure when there is no result yet', () => {
    expect(wasmSection(undefined)).toMatch(/Not measured yet: run `pnpm --filter @quantkit\/quant-bench bench:wasm`/);
  });
});
