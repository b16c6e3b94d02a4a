import { QuantError, quantize as referenceQuantize, referenceBackend, VERSION } from '@quantkit/quant-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWasmBackend } from '@quantkit/quant-wasm';
import { createQuantizer, parseMode, type NativeModule } from '../src/index.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { select, type WasmPackage } from '../src/select.js';
import { nativeAvailability, spyBackend } from './helpers.js';

/*
 * Backend selection: QUANT_BACKEND / the backend option, lazy loading, fallback with a reason, explicit injection.
 * Native modules are injected where a test needs a failing or spying one; the last tests use the real addon.
 */

const x = Float32Array.from({ length: 300 }, (_, i) => Math.cos(i) * 2);

function countingNative(create: NativeModule['createNativeBackend']): NativeModule & { loads: number } {
  const m = {
    loads: 0,
    createNativeBackend(o?: Parameters<NativeModule['createNativeBackend']>[0]) {
      m.loads++;
      return create(o);
    },
  };
  return m;
}

const unavailable = () => {
  throw new QuantError('ERR_QUANT_NATIVE_UNAVAILABLE', 'quant_native.node: not found\n(second line of the loader report)');
};

/** A @quantkit/quant-wasm whose module does not compile (an old runtime without SIMD128), as the real one reports it. */
const failingWasm: WasmPackage = {
  createWasmBackend() {
    throw new QuantError('ERR_QUANT_WASM_UNAVAILABLE', 'the WebAssembly backend is unavailable: quant_kernels.wasm does not compile here (CompileError: SIMD unsupported); the module needs WebAssembly SIMD128');
  },
};

let savedBackend: string | undefined;
beforeEach(() => {
  savedBackend = process.env.QUANT_BACKEND;
});
afterEach(() => {
  if (savedBackend === undefined) delete process.env.QUANT_BACKEND;
  else process.env.QUANT_BACKEND = savedBackend;
});

describe('QUANT_BACKEND', () => {
  it('parses auto, native and reference; unset or empty means auto', () => {
    expect(parseMode(undefined)).toBe('auto');
    expect(parseMode('')).toBe('auto');
    for (const m of ['auto', 'native', 'wasm', 'reference']) expect(parseMode(m)).toBe(m);
  });

  it('rejects any other value with ERR_QUANT_BACKEND, on first use rather than at creation', () => {
    for (const bad of ['gpu', 'AUTO', ' native', 'js']) expect(() => parseMode(bad)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_BACKEND' }));
    process.env.QUANT_BACKEND = 'fastest';
    const q = createQuantizer();
    expect(() => q.quantize(x)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_BACKEND', message: expect.stringContaining('"fastest"') }));
    expect(() => q.backendInfo()).toThrow(QuantError);
  });

  it('is read when the quantizer first resolves its backend', () => {
    const native = countingNative(() => spyBackend('native').backend);
    process.env.QUANT_BACKEND = 'reference';
    const q = createQuantizer({ native });
    process.env.QUANT_BACKEND = 'native';
    expect(q.backendInfo().name).toBe('native');
    expect(native.loads).toBe(1);
  });
});

describe('modes', () => {
  it('reference never loads native', () => {
    const native = countingNative(() => spyBackend('native').backend);
    const q = createQuantizer({ backend: 'reference', native });
    expect(q.quantize(x)).toEqual(referenceQuantize(x));
    expect(q.backendInfo()).toEqual({ name: 'reference', isa: 'js', version: VERSION, threads: 1 });
    expect(native.loads).toBe(0);
  });

  it('auto loads native lazily, once, on first use', () => {
    const native = countingNative(() => spyBackend('native').backend);
    const q = createQuantizer({ backend: 'auto', native });
    expect(native.loads).toBe(0);
    q.computeQParams(x);
    q.quantize(x);
    q.kernels.minMax(x);
    expect(native.loads).toBe(1);
    expect(q.backendInfo()).toEqual({ name: 'native', isa: 'spy', version: VERSION, threads: 1 });
  });

  it('auto falls back to the WebAssembly backend with a one-line reason', () => {
    const q = createQuantizer({ backend: 'auto', native: countingNative(unavailable) });
    expect(q.quantize(x)).toEqual(referenceQuantize(x));
    const info = q.backendInfo();
    expect(info).toMatchObject({ name: 'wasm', isa: 'simd128', threads: 1 });
    expect(info.reason).toBe('native backend unavailable: quant_native.node: not found');
  });

  it('auto falls back to the reference when the WebAssembly backend cannot load either, with both reasons', () => {
    const s = select({ backend: 'auto', native: countingNative(unavailable), wasm: failingWasm });
    expect(s.api.quantize(x)).toEqual(referenceQuantize(x));
    expect(s.info).toMatchObject({ name: 'reference', isa: 'js', threads: 1 });
    expect(s.info.reason).toBe('native backend unavailable: quant_native.node: not found; wasm backend unavailable: quant_kernels.wasm does not compile here (CompileError: SIMD unsupported); the module needs WebAssembly SIMD128');
  });

  it('wasm selects the WebAssembly backend (QUANT_BACKEND=wasm), and throws instead of falling back', () => {
    process.env.QUANT_BACKEND = 'wasm';
    const q = createQuantizer({ native: countingNative(() => spyBackend('native').backend) });
    expect(q.backendInfo()).toMatchObject({ name: 'wasm', isa: 'simd128' });
    expect(q.backendInfo().reason).toBeUndefined();
    expect(q.quantize(x)).toEqual(referenceQuantize(x));
    expect(() => select({ backend: 'wasm', wasm: failingWasm })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_WASM_UNAVAILABLE' }));
    expect(() => createQuantizer({ backend: 'wasm', wasm: failingWasm }).backendInfo()).toThrow(expect.objectContaining({ code: 'ERR_QUANT_WASM_UNAVAILABLE' }));
  });

  it('a runtime without WebAssembly (node --jitless) gets the reference, with the reason', () => {
    const script = `
      import { createQuantizer } from '@quantkit/quant';
      const native = { createNativeBackend() { throw Object.assign(new Error('no addon here'), { code: 'ERR_QUANT_NATIVE_UNAVAILABLE' }); } };
      const q = createQuantizer({ native });
      const r = q.quantize(Float32Array.of(1, 2, 3));
      console.log(JSON.stringify({ info: q.backendInfo(), codes: [...r.data] }));`;
    const r = spawnSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', env: { ...process.env, QUANT_BACKEND: 'auto' } });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { info: { name: string; reason: string }; codes: number[] };
    expect(out.info.name).toBe('reference');
    expect(out.info.reason).toBe('native backend unavailable: no addon here; wasm backend unavailable: this JavaScript runtime has no WebAssembly');
    expect(out.codes).toEqual([...referenceQuantize(Float32Array.of(1, 2, 3)).data]);
  });

  it('native throws ERR_QUANT_NATIVE_UNAVAILABLE instead of falling back (sync and async)', async () => {
    const q = createQuantizer({ backend: 'native', native: countingNative(unavailable) });
    expect(() => q.quantize(x)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_NATIVE_UNAVAILABLE' }));
    await expect(q.quantizeAsync(x)).rejects.toMatchObject({ code: 'ERR_QUANT_NATIVE_UNAVAILABLE' });
  });

  it('native wraps an unexpected loader error in ERR_QUANT_NATIVE_UNAVAILABLE', () => {
    const q = createQuantizer({
      backend: 'native',
      native: countingNative(() => {
        throw new TypeError('boom');
      }),
    });
    expect(() => q.backendInfo()).toThrow(expect.objectContaining({ code: 'ERR_QUANT_NATIVE_UNAVAILABLE', message: expect.stringContaining('boom') }));
  });

  it('auto does not fall back on a configuration error: only an addon that cannot load does', () => {
    const misconfigured = () => {
      throw new QuantError('ERR_QUANT_NATIVE_THREADS', 'QUANT_THREADS must be an integer in 1..256, got "many"');
    };
    const q = createQuantizer({ backend: 'auto', native: countingNative(misconfigured) });
    expect(() => q.quantize(x)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_NATIVE_THREADS' }));
  });

  it('a malformed QUANT_THREADS or QUANT_NATIVE_ISA is an error in every mode, even where the addon is missing', () => {
    for (const [name, value, code] of [
      ['QUANT_THREADS', 'many', 'ERR_QUANT_NATIVE_THREADS'],
      ['QUANT_THREADS', '0', 'ERR_QUANT_NATIVE_THREADS'],
      ['QUANT_NATIVE_ISA', 'AVX 2', 'ERR_QUANT_NATIVE_ISA'],
    ] as const) {
      vi.stubEnv(name, value);
      try {
        for (const backend of ['auto', 'native', 'reference'] as const) {
          const q = createQuantizer({ backend, native: countingNative(unavailable) });
          expect(() => q.backendInfo(), `${name}=${value}, ${backend}`).toThrow(expect.objectContaining({ code, message: expect.stringContaining(name) }));
        }
      } finally {
        vi.unstubAllEnvs();
      }
    }
  });

  it('passes threads and isa to the native backend', () => {
    const seen: unknown[] = [];
    createQuantizer({ backend: 'native', threads: 3, isa: 'scalar', native: countingNative((o) => (seen.push(o), spyBackend('native').backend)) }).backendInfo();
    expect(seen).toEqual([{ isa: 'scalar', threads: 3 }]);
  });

  it('serves every call of an injected Backend object, however small (no size routing)', () => {
    const spy = spyBackend('custom');
    const q = createQuantizer({ backend: spy.backend });
    q.quantize(Float32Array.of(1, 2, 3));
    q.kernels.absMax(Float32Array.of(-4));
    expect(spy.calls).toEqual(['minMax', 'quantizeTensor', 'absMax']);
    expect(q.backendInfo()).toMatchObject({ name: 'custom', isa: 'spy' });
    expect(q.backend()).toBe(spy.backend);
  });

  it('serves every call of an injected WebAssembly backend (createWasmBackend()), zero-copy arrays included', () => {
    for (const isa of ['simd128', 'scalar'] as const) {
      const wb = createWasmBackend({ isa });
      const q = createQuantizer({ backend: wb, native: countingNative(unavailable) });
      expect(q.backend()).toBe(wb);
      expect(q.backendInfo()).toMatchObject({ name: 'wasm', isa, threads: 1 });
      expect(q.quantize(x)).toEqual(referenceQuantize(x));
      const inside = wb.memory.allocate(Float32Array, x.length);
      inside.array.set(x);
      expect(q.quantize(inside.array)).toEqual(referenceQuantize(x));
      wb.memory.free(inside);
    }
  });

  it('validates its options at creation', () => {
    expect(() => createQuantizer({ threads: 0 })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OPTION' }));
    expect(() => createQuantizer({ threads: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OPTION' }));
    expect(() => createQuantizer({ isa: 'SSE 4' })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OPTION' }));
    // A well-formed name the addon does not know is the native backend's to refuse, on first use.
    const unknown = createQuantizer({ backend: 'native', isa: 'sse', native: countingNative(() => {
      throw new QuantError('ERR_QUANT_NATIVE_ISA', "isa \"sse\": unknown ISA 'sse'");
    }) });
    expect(() => unknown.backendInfo()).toThrow(expect.objectContaining({ code: 'ERR_QUANT_NATIVE_ISA' }));
    expect(() => createQuantizer({ backend: 'gpu' as 'auto' })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_BACKEND' }));
    expect(() => createQuantizer({ backend: {} as never })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_BACKEND' }));
    expect(() => createQuantizer({ wasm: {} as never })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OPTION', message: expect.stringContaining('@quantkit/quant-wasm') }));
  });
});

describe('QUANT_DEBUG=backend', () => {
  it('prints the selection once, to stderr', () => {
    const saved = process.env.QUANT_DEBUG;
    process.env.QUANT_DEBUG = 'other,backend';
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const q = createQuantizer({ backend: 'auto', native: countingNative(() => ({ ...spyBackend('native').backend, isa: 'debug-test' })) });
      q.quantize(x);
      q.quantize(x);
      q.backendInfo();
      const lines = write.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('debug-test'));
      expect(lines).toEqual([`[quantkit] backend: native (isa debug-test, 1 thread, v${VERSION})\n`]);
    } finally {
      write.mockRestore();
      if (saved === undefined) delete process.env.QUANT_DEBUG;
      else process.env.QUANT_DEBUG = saved;
    }
  });
});

describe('with the real addon', async () => {
  const available = await nativeAvailability();
  const requireNative = process.env.QUANT_REQUIRE_NATIVE === '1';
  if (!available.ok && !requireNative) process.stderr.write(`[quant] native selection tests skipped: ${available.reason}\n`);

  it.skipIf(!available.ok && !requireNative)('auto selects native and reports it', () => {
    const q = createQuantizer({ backend: 'auto' });
    const info = q.backendInfo();
    expect(info.name).toBe('native');
    expect(['avx2', 'scalar']).toContain(info.isa);
    expect(info.reason).toBeUndefined();
    expect(info.version).toBe(VERSION);
    expect(q.quantize(x)).toEqual(referenceQuantize(x));
  });

  it.skipIf(!available.ok && !requireNative)('native with isa scalar and 1 thread', () => {
    const info = createQuantizer({ backend: 'native', isa: 'scalar', threads: 1 }).backendInfo();
    expect(info).toMatchObject({ name: 'native', isa: 'scalar', threads: 1 });
  });

  it('reference stays reference even when native is installed', () => {
    expect(createQuantizer({ backend: 'reference' }).backend()).toBe(referenceBackend);
  });
});
