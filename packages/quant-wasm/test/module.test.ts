import { readFileSync } from 'node:fs';
import { KERNEL_NAMES } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, loadWasmModule, WasmErrorCodes } from '../src/index.js';

/* Loading: the module compiles synchronously in Node, asynchronously from bytes, and a bad module is UNAVAILABLE. */
const wasmFile = new URL('../dist/quant_kernels.wasm', import.meta.url);

describe('the module', () => {
  it('has every kernel of the kernel table, in both kernel sets', () => {
    for (const isa of ['simd128', 'scalar'] as const) {
      const b = createWasmBackend({ isa });
      expect(b.isa).toBe(isa);
      for (const k of KERNEL_NAMES) expect(typeof b[k]).toBe('function');
    }
  });

  it('imports nothing (no libc, no JavaScript glue) and is small', async () => {
    const bytes = readFileSync(wasmFile);
    const m = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Module_imports?: never } }).WebAssembly;
    const imports = (m.Module as unknown as { imports(x: object): unknown[] }).imports(new m.Module(bytes));
    expect(imports).toEqual([]);
    expect(bytes.length).toBeLessThan(400_000);
  });

  it('loads asynchronously from bytes (the browser path) and runs', async () => {
    const module = await loadWasmModule(readFileSync(wasmFile));
    const b = createWasmBackend({ module });
    const out = new Int8Array(2);
    b.quantizeTensor(Float64Array.of(1.5, -2.5), 1, 0, { qmin: -128, qmax: 127, profile: 'onnx' }, out);
    expect([...out]).toEqual([2, -2]);
  });

  it('a module that does not compile is ERR_QUANT_WASM_UNAVAILABLE with the reason', async () => {
    const bad = readFileSync(wasmFile).subarray(0, 100);
    await expect(loadWasmModule(bad)).rejects.toMatchObject({ code: WasmErrorCodes.UNAVAILABLE, message: expect.stringContaining('does not compile here') });
  });
});
