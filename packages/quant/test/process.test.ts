import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeAvailability } from './helpers.js';

/*
 * The package as users get it (its built dist, in a fresh Node.js process): importing loads nothing, the backend is
 * chosen on first use, QUANT_BACKEND=reference never touches @quantkit/quant-native, QUANT_DEBUG prints once, and
 * CommonJS can require() it. Needs `pnpm build` (turbo's test task depends on it).
 */

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Probe {
  events: string[];
  info?: { name: string; isa: string; threads: number; version: string; reason?: string };
  error?: { code: string; message: string };
}

function run(file: string, args: string[], env: Record<string, string | undefined>): { probe: Probe; stderr: string; status: number | null } {
  const childEnv: Record<string, string | undefined> = { ...process.env, QUANT_BACKEND: undefined, QUANT_DEBUG: undefined, QUANT_NATIVE_PATH: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, [fixture(file), ...args], { env: childEnv as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${file} exited with ${r.status}: ${r.stderr}`);
  return { probe: JSON.parse(r.stdout) as Probe, stderr: r.stderr, status: r.status };
}

const available = await nativeAvailability();
const nativeRequired = process.env.QUANT_REQUIRE_NATIVE === '1';
const withNative = available.ok || nativeRequired;

describe('loading', () => {
  it('importing @quantkit/quant neither requires @quantkit/quant-native nor loads an addon', () => {
    const { probe } = run('probe.mjs', [], {});
    expect(probe.events).toEqual(['imported']);
  });

  it.skipIf(!withNative)('auto requires @quantkit/quant-native and loads the addon on the first call only', () => {
    const { probe } = run('probe.mjs', ['quantize', 'quantize', 'info'], { QUANT_BACKEND: 'auto' });
    const imported = probe.events.indexOf('imported');
    const firstCall = probe.events.indexOf('quantize');
    const required = probe.events.findIndex((e) => e === 'require @quantkit/quant-native');
    const opened = probe.events.filter((e) => e.startsWith('dlopen ') && e.endsWith('quant_native.node'));
    expect(required).toBeGreaterThan(imported);
    expect(required).toBeLessThan(firstCall);
    expect(opened).toHaveLength(1);
    expect(probe.events.indexOf(opened[0]!)).toBeLessThan(firstCall);
    expect(probe.info).toMatchObject({ name: 'native' });
  });

  it('QUANT_BACKEND=reference never touches @quantkit/quant-native, sync or async', () => {
    const { probe } = run('probe.mjs', ['quantize', 'async', 'info'], { QUANT_BACKEND: 'reference' });
    expect(probe.events).toEqual(['imported', 'quantize', 'async', 'info']);
    expect(probe.info).toEqual({ name: 'reference', isa: 'js', version: expect.any(String), threads: 1 });
  });

  it('an unknown QUANT_BACKEND fails the first call with ERR_QUANT_BACKEND, not the import', () => {
    const { probe } = run('probe.mjs', ['quantize'], { QUANT_BACKEND: 'turbo' });
    expect(probe.events).toEqual(['imported']);
    expect(probe.error).toMatchObject({ code: 'ERR_QUANT_BACKEND', message: expect.stringContaining('"turbo"') });
  });

  it('auto falls back to the WebAssembly backend when the addon cannot load, with a one-line reason', () => {
    const { probe } = run('probe.mjs', ['quantize', 'info'], { QUANT_BACKEND: 'auto', QUANT_NATIVE_PATH: '/nonexistent/quant_native.node' });
    expect(probe.info?.name).toBe('wasm');
    expect(probe.info?.reason).toMatch(/^native backend unavailable: /);
    expect(probe.info?.reason).not.toContain('\n');
  });

  it('QUANT_BACKEND=native fails with ERR_QUANT_NATIVE_UNAVAILABLE when the addon cannot load', () => {
    const { probe } = run('probe.mjs', ['quantize'], { QUANT_BACKEND: 'native', QUANT_NATIVE_PATH: '/nonexistent/quant_native.node' });
    expect(probe.error?.code).toBe('ERR_QUANT_NATIVE_UNAVAILABLE');
  });
});

describe('QUANT_DEBUG=backend', () => {
  it('prints the selected backend once, to stderr', () => {
    const { stderr, probe } = run('probe.mjs', ['quantize', 'quantize', 'info'], { QUANT_DEBUG: 'backend' });
    const lines = stderr.split('\n').filter((l) => l.startsWith('[quantkit] backend:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`backend: ${probe.info!.name} (isa ${probe.info!.isa}`);
  });

  it('prints the fallback reason', () => {
    const { stderr } = run('probe.mjs', ['quantize'], { QUANT_DEBUG: 'backend', QUANT_NATIVE_PATH: '/nonexistent/quant_native.node' });
    expect(stderr).toMatch(/\[quantkit\] backend: wasm \(isa simd128, 1 thread, v[\d.]+\): native backend unavailable: /);
  });

  it('is silent without QUANT_DEBUG', () => {
    expect(run('probe.mjs', ['quantize'], {}).stderr).not.toContain('[quantkit]');
  });
});

describe('CommonJS', () => {
  it('require("@quantkit/quant") works', () => {
    const r = spawnSync(process.execPath, [fixture('probe.cjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { data: number[]; scale: number; info: { name: string }; exports: number };
    expect(out.data).toEqual([-64, 0, 32, 127]);
    expect(out.exports).toBeGreaterThan(20);
  });
});
