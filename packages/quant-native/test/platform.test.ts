import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { QuantError } from '@quantkit/quant-core';
import { NativeErrorCodes, loadNativeAddon } from '../src/index.js';
import { PREBUILT_PLATFORMS, platformPackageName, platformTriple } from '../src/platform.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const npmDir = join(packageDir, '..', '..', 'native', 'npm');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> };
const requireHere = createRequire(join(packageDir, 'package.json'));

const realPlatform = Object.getOwnPropertyDescriptor(process, 'platform')!;
const realArch = Object.getOwnPropertyDescriptor(process, 'arch')!;

/** Makes process.platform / process.arch report another machine until afterEach restores them. */
function fakeMachine(platform: string, arch: string): void {
  Object.defineProperty(process, 'platform', { ...realPlatform, value: platform });
  Object.defineProperty(process, 'arch', { ...realArch, value: arch });
}

afterEach(() => {
  Object.defineProperty(process, 'platform', realPlatform);
  Object.defineProperty(process, 'arch', realArch);
});

function thrown(f: () => unknown): QuantError {
  try {
    f();
  } catch (error) {
    return error as QuantError;
  }
  throw new Error('expected an error');
}

const glibc = Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

describe('platform packages', () => {
  it('every prebuilt platform is a directory of native/npm and an optional dependency, and nothing else is', () => {
    const dirs = readdirSync(npmDir).filter((d) => existsSync(join(npmDir, d, 'package.json')));
    expect([...dirs].sort()).toEqual([...PREBUILT_PLATFORMS].sort());
    expect(Object.keys(manifest.optionalDependencies).sort()).toEqual(PREBUILT_PLATFORMS.map((p) => `@quantkit/quant-native-${p}`).sort());
    for (const p of PREBUILT_PLATFORMS) {
      const pkg = JSON.parse(readFileSync(join(npmDir, p, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg['name']).toBe(`@quantkit/quant-native-${p}`);
      expect(pkg['main']).toBe('./quant_native.node');
      expect(pkg['files']).toEqual(['quant_native.node']);
      // os / cpu / libc as npm sees them once packed (pnpm applies publishConfig's at pack time).
      const published = { ...pkg, ...(pkg['publishConfig'] as object | undefined) } as { os: string[]; cpu: string[]; libc: string[] };
      const [os, cpu, libc] = p.split('-');
      expect(published.os).toEqual([os]);
      expect(published.cpu).toEqual([cpu]);
      expect(published.libc).toEqual([libc === 'gnu' ? 'glibc' : libc]);
    }
  });

  it.runIf(glibc)('on linux arm64 (faked) the loader picks @quantkit/quant-native-linux-arm64-gnu', () => {
    fakeMachine('linux', 'arm64');
    expect(platformTriple()).toBe('linux-arm64-gnu');
    expect(platformPackageName()).toBe('@quantkit/quant-native-linux-arm64-gnu');
    // The workspace link resolves to the package of native/npm; its main is the addon file.
    expect(requireHere.resolve('@quantkit/quant-native-linux-arm64-gnu/package.json')).toBe(join(npmDir, 'linux-arm64-gnu', 'package.json'));
    const error = thrown(() => loadNativeAddon({ path: undefined, localBuild: false }));
    expect(error).toBeInstanceOf(QuantError);
    expect(error.code).toBe(NativeErrorCodes.UNAVAILABLE);
    // This x64 (or other) process cannot load an AArch64 object, or the cross-build has not run: either way the
    // arm64 package was the one tried, found installed.
    expect(error.message).toMatch(/platform package @quantkit\/quant-native-linux-arm64-gnu: (failed to load|installed, but its quant_native\.node is missing)/);
    expect(error.message).not.toContain('linux-x64');
  });

  it('on linux x64 (faked) the loader picks @quantkit/quant-native-linux-x64-gnu', () => {
    fakeMachine('linux', 'x64');
    expect(platformPackageName()).toBe(`@quantkit/quant-native-linux-x64-${glibc ? 'gnu' : 'musl'}`);
  });

  it('a platform without a prebuilt package gets a hint to build from source instead of an install hint', () => {
    fakeMachine('freebsd', 'riscv64');
    expect(platformTriple()).toBe('freebsd-riscv64');
    const error = thrown(() => loadNativeAddon({ path: undefined, localBuild: false }));
    expect(error.code).toBe(NativeErrorCodes.UNAVAILABLE);
    expect(error.message).toContain('platform package @quantkit/quant-native-freebsd-riscv64: not installed');
    expect(error.message).toContain('No prebuilt addon exists for freebsd-riscv64 (prebuilt: linux-x64-gnu, linux-arm64-gnu)');
  });
});
