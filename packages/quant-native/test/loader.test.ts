import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { QuantError } from '@quantkit/quant-core';
import { ABI_VERSION, NativeErrorCodes, PACKAGE_VERSION, createNativeBackend, loadNativeAddon, platformPackageName } from '../src/index.js';
import { describeNative, native } from './helpers.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const dir = mkdtempSync(join(tmpdir(), 'quant-native-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the loader', () => {
  it('names the platform package with os, arch and libc', () => {
    expect(platformPackageName()).toMatch(/^@quantkit\/quant-native-[a-z0-9]+-[a-z0-9]+(-gnu|-musl)?$/);
    if (process.platform === 'linux' && process.arch === 'x64') expect(platformPackageName()).toMatch(/-linux-x64-(gnu|musl)$/);
  });

  it('QUANT_NATIVE_PATH pointing to a missing file: one error listing that path, nothing else tried', () => {
    const missing = join(dir, 'missing', 'quant_native.node');
    vi.stubEnv('QUANT_NATIVE_PATH', missing);
    try {
      const error = thrown(() => loadNativeAddon()) as QuantError;
      expect(error).toBeInstanceOf(QuantError);
      expect(error.code).toBe(NativeErrorCodes.UNAVAILABLE);
      expect(error.message).toContain(`QUANT_NATIVE_PATH ${missing}: not found`);
      expect(error.message).not.toContain('local build');
      expect(error.message).not.toContain('platform package');
      expect(error.message).toContain('fix or unset it');
      expect(error.cause).toBeInstanceOf(Error);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('lists every place it tried and why each failed, with the errors as cause', () => {
    const local = join(dir, 'nowhere', 'quant_native.node');
    const error = thrown(() => loadNativeAddon({ path: undefined, localBuild: local, platformPackage: '@quantkit/quant-native-nonexistent-test' })) as QuantError;
    expect(error.code).toBe(NativeErrorCodes.UNAVAILABLE);
    expect(error.message).toContain(`local build ${local}: not found`);
    expect(error.message).toContain('platform package @quantkit/quant-native-nonexistent-test: not installed');
    expect(error.message).toContain('pnpm build');
    expect(error.cause).toBeInstanceOf(AggregateError);
    expect((error.cause as AggregateError).errors).toHaveLength(2);
  });

  it('refuses a file that is not an addon, and one built for another interface or version', () => {
    const notAddon = join(dir, 'broken.node');
    writeFileSync(notAddon, 'not an ELF file');
    const wrongAbi = join(dir, 'other-abi.cjs');
    writeFileSync(wrongAbi, `module.exports = { abiVersion: ${ABI_VERSION + 1}, version: ${JSON.stringify(PACKAGE_VERSION)} };`);
    const wrongVersion = join(dir, 'other-version.cjs');
    writeFileSync(wrongVersion, `module.exports = { abiVersion: ${ABI_VERSION}, version: '0.0.0-other' };`);
    const cases: [string, string][] = [
      [notAddon, 'failed to load'],
      [wrongAbi, `interface version ${ABI_VERSION + 1}, this package needs ${ABI_VERSION}`],
      [wrongVersion, `built for @quantkit/quant-native 0.0.0-other, this is ${PACKAGE_VERSION}`],
    ];
    for (const [path, reason] of cases) {
      const error = thrown(() => loadNativeAddon({ path })) as QuantError;
      expect(error.code).toBe(NativeErrorCodes.UNAVAILABLE);
      expect(error.message).toContain(reason);
    }
  });

  it('importing the package does not load the addon; the first call does', async () => {
    vi.resetModules();
    vi.stubEnv('QUANT_NATIVE_PATH', join(dir, 'absent.node'));
    try {
      const mod = await import('../src/index.js');
      const error = thrown(() => mod.nativeInfo()) as QuantError;
      expect(error.code).toBe(NativeErrorCodes.UNAVAILABLE);
      expect((thrown(() => mod.quantize(new Float32Array(2))) as QuantError).code).toBe(NativeErrorCodes.UNAVAILABLE);
      await expect(mod.quantizeAsync(new Float32Array(2))).rejects.toMatchObject({ code: NativeErrorCodes.UNAVAILABLE });
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});

describeNative('the loaded addon', () => {
  it('reports its interface version, the package version and the ISA choice', async () => {
    const { addon, path } = native.loaded!;
    expect(addon.abiVersion).toBe(ABI_VERSION);
    expect(addon.version).toBe(PACKAGE_VERSION);
    expect(['avx2', 'scalar']).toContain(addon.isa);
    expect(addon.availableIsas.split(',')).toContain(addon.isa);
    expect(addon.hardwareConcurrency).toBeGreaterThanOrEqual(1);
    expect(path).toMatch(/quant_native\.node$/);
    const { nativeInfo } = await import('../src/index.js');
    const info = nativeInfo();
    expect(info).toMatchObject({ version: PACKAGE_VERSION, abiVersion: ABI_VERSION });
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it('QUANT_NATIVE_PATH to the real file loads exactly it', () => {
    vi.stubEnv('QUANT_NATIVE_PATH', native.loaded!.path);
    try {
      expect(loadNativeAddon().path).toBe(native.loaded!.path);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('isa and threads come from options, then QUANT_NATIVE_ISA / QUANT_THREADS, with stable error codes', () => {
    const addon = native.loaded!;
    expect(createNativeBackend({ isa: 'scalar', addon }).isa).toBe('scalar');
    expect(createNativeBackend({ isa: 'auto', addon }).isa).toBe(addon.addon.isa);
    if (addon.addon.availableIsas.includes('avx2')) expect(createNativeBackend({ isa: 'avx2', addon }).isa).toBe('avx2');
    expect(createNativeBackend({ threads: 3, addon }).threads).toBe(3);
    expect(createNativeBackend({ addon }).threads).toBe(Math.min(addon.addon.hardwareConcurrency, 256));

    const code = (f: () => unknown): unknown => (thrown(f) as QuantError).code;
    expect(code(() => createNativeBackend({ isa: 'sse4' as 'auto', addon }))).toBe(NativeErrorCodes.ISA);
    for (const threads of [0, 1.5, 257, NaN]) expect(code(() => createNativeBackend({ threads, addon }))).toBe(NativeErrorCodes.THREADS);
    try {
      vi.stubEnv('QUANT_NATIVE_ISA', 'scalar');
      vi.stubEnv('QUANT_THREADS', '2');
      const b = createNativeBackend({ addon });
      expect([b.isa, b.threads]).toStrictEqual(['scalar', 2]);
      vi.stubEnv('QUANT_NATIVE_ISA', 'neon');
      const error = thrown(() => createNativeBackend({ addon })) as QuantError;
      expect(error).toBeInstanceOf(QuantError);
      expect(error.code).toBe(NativeErrorCodes.ISA);
      // The kernel sets are the addon's list: its message names the source, the value and the valid names.
      expect(error.message).toMatch(/^QUANT_NATIVE_ISA "neon": .*'scalar'/);
      vi.stubEnv('QUANT_NATIVE_ISA', '');
      vi.stubEnv('QUANT_THREADS', 'many');
      expect(code(() => createNativeBackend({ addon }))).toBe(NativeErrorCodes.THREADS);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('QUANT_HUGE_PAGES is 0 or 1 (or unset); anything else is ERR_QUANT_OPTION, like the other settings', () => {
    const addon = native.loaded!;
    try {
      for (const v of ['0', '1', '']) {
        vi.stubEnv('QUANT_HUGE_PAGES', v);
        expect(createNativeBackend({ addon }).name).toBe('native');
      }
      for (const v of ['yes', 'off', '2']) {
        vi.stubEnv('QUANT_HUGE_PAGES', v);
        const error = thrown(() => createNativeBackend({ addon })) as QuantError;
        expect(error.code).toBe('ERR_QUANT_OPTION');
        expect(error.message).toContain('QUANT_HUGE_PAGES must be 0 or 1');
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('the addon itself refuses an unknown ISA and a bad thread count with codes (no crash)', () => {
    const { addon } = native.loaded!;
    expect((thrown(() => addon.createEngine('neon', 1)) as { code: string }).code).toBe(NativeErrorCodes.ISA);
    expect((thrown(() => addon.createEngine('auto', 0)) as { code: string }).code).toBe(NativeErrorCodes.THREADS);
    expect((thrown(() => addon.createEngine('auto', 1e9)) as { code: string }).code).toBe(NativeErrorCodes.THREADS);
  });
});
