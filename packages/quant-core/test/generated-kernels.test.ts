import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as generated from '../src/kernels/generated/loops.js';
import { dequantizeGroupsLoop, dequantizeRunLoop, histogramLoop, quantizeGroupsLoop, quantizeRunLoop } from '../src/kernels/loops.js';
import type { FloatArray, IntArray, Profile } from '../src/index.js';
import { Rng } from './helpers/rng.js';

/*
 * src/kernels/generated/loops.ts is made by scripts/generate-kernels.mjs from the hand-written loops of
 * src/kernels/loops.ts. These tests fail when the committed file is stale, and check that every copy computes what
 * its loop computes, and that the ...LoopFor functions hand out the copy made for the arrays they are given.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const generatedPath = fileURLToPath(new URL('../src/kernels/generated/loops.ts', import.meta.url));

type Ctor<T> = { new (n: number): T; readonly name: string };
const FLOATS: Ctor<FloatArray>[] = [Float32Array, Float64Array];
const INTS: Ctor<IntArray>[] = [Int8Array, Uint8Array, Int16Array, Uint16Array];
const PROFILES: Profile[] = ['onnx', 'pytorch'];
const RANGE: Record<string, [number, number]> = { Int8Array: [-128, 127], Uint8Array: [0, 255], Int16Array: [-32768, 32767], Uint16Array: [0, 65535], Int32Array: [-32768, 65535] };

const rng = new Rng(7);
const random = (): number => rng.next();

/** Values with ties, NaN, ±Infinity, ±0 and out-of-range magnitudes. */
function input<T extends FloatArray>(C: Ctor<T>, n: number, s: number): T {
  const x = new C(n);
  for (let i = 0; i < n; i++) {
    const special = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, (Math.floor(random() * 100) - 50 + 0.5) * s];
    x[i] = i % 7 === 0 ? special[i % special.length]! : (random() - 0.5) * 300 * s;
  }
  return x;
}

function groupParams(n: number, C: Ctor<FloatArray>, qmin: number, qmax: number): { scales: FloatArray; zps: Int32Array } {
  const scales = new C(n);
  const zps = new Int32Array(n);
  for (let g = 0; g < n; g++) {
    scales[g] = 0.01 + random();
    zps[g] = qmin + Math.floor(random() * (qmax - qmin + 1));
  }
  return { scales, zps };
}

/** The copies the generated module exports (functions named like quantizeRun_f32_u8_onnx). */
const copies = Object.entries(generated).filter(([name, v]) => typeof v === 'function' && name.includes('_'));

describe('generated kernels (src/kernels/generated/loops.ts)', () => {
  it('are what scripts/generate-kernels.mjs makes from src/kernels/loops.ts (run `pnpm generate` when this fails)', () => {
    const r = spawnSync(process.execPath, ['scripts/generate-kernels.mjs', '--check'], { cwd: packageDir, encoding: 'utf8' });
    expect(r.stderr, r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('are marked as generated, with their source', () => {
    const text = readFileSync(generatedPath, 'utf8');
    expect(text.startsWith('// GENERATED FILE - DO NOT EDIT.')).toBe(true);
    expect(text).toContain('scripts/generate-kernels.mjs');
    expect(text).toContain('src/kernels/loops.ts');
  });

  it('hold one copy per combination of array classes and switches', () => {
    // quantizeRun 2 x 5 x 2, quantizeGroups 2 x 4 x 2 x 2, dequantizeRun 4 x 2, dequantizeGroups 4 x 2 x 2, histogram 2 x 2 x 2.
    expect(copies.length).toBe(20 + 32 + 8 + 16 + 8);
    // Each a separate function (its own V8 feedback).
    expect(new Set(copies.map(([, f]) => f)).size).toBe(copies.length);
  });

  it('every quantize copy computes what quantizeRunLoop / quantizeGroupsLoop compute', () => {
    const seen = new Set<unknown>();
    for (const X of FLOATS) {
      for (const O of [...INTS, Int32Array as Ctor<Int32Array>]) {
        for (const profile of PROFILES) {
          const [qmin, qmax] = RANGE[O.name]!;
          const zp = Math.round((qmin + qmax) / 2) + 1;
          const x = input(X, 257, 0.031);
          const run = generated.quantizeRunLoopFor(x, new O(0), profile);
          seen.add(run);
          expect(copies.some(([, f]) => f === run), `${X.name} ${O.name} ${profile}`).toBe(true);
          const expected = new O(x.length);
          const actual = new O(x.length);
          quantizeRunLoop(x, expected, 3, 250, 0.031, zp, qmin, qmax, profile);
          run(x, actual, 3, 250, 0.031, zp, qmin, qmax);
          expect(Array.from(actual), `quantizeRun ${X.name} ${O.name} ${profile}`).toEqual(Array.from(expected));
          if (O === Int32Array) continue;
          for (const S of FLOATS) {
            const { scales, zps } = groupParams(300, S, qmin, qmax);
            const loop = generated.quantizeGroupsLoopFor(x, new O(0) as IntArray, scales, profile);
            seen.add(loop);
            const e = new O(x.length) as IntArray;
            const a = new O(x.length) as IntArray;
            quantizeGroupsLoop(x, e, 5, 200, scales, zps, 17, qmin, qmax, profile);
            loop(x, a, 5, 200, scales, zps, 17, qmin, qmax);
            expect(Array.from(a), `quantizeGroups ${X.name} ${O.name} ${S.name} ${profile}`).toEqual(Array.from(e));
          }
        }
      }
    }
    expect(seen.size).toBe(20 + 32);
  });

  it('every dequantize copy computes what dequantizeRunLoop / dequantizeGroupsLoop compute', () => {
    const seen = new Set<unknown>();
    for (const Q of INTS) {
      const [qmin, qmax] = RANGE[Q.name]!;
      const q = new Q(301);
      for (let i = 0; i < q.length; i++) q[i] = qmin + Math.floor(random() * (qmax - qmin + 1));
      for (const O of FLOATS) {
        const run = generated.dequantizeRunLoopFor(q, new O(0));
        seen.add(run);
        const e = new O(q.length);
        const a = new O(q.length);
        dequantizeRunLoop(q, e, 2, 299, 0.0123, qmin + 5);
        run(q, a, 2, 299, 0.0123, qmin + 5);
        expect(Array.from(a), `dequantizeRun ${Q.name} ${O.name}`).toEqual(Array.from(e));
        for (const S of FLOATS) {
          const { scales, zps } = groupParams(320, S, qmin, qmax);
          const loop = generated.dequantizeGroupsLoopFor(q, new O(0), scales);
          seen.add(loop);
          const e2 = new O(q.length);
          const a2 = new O(q.length);
          dequantizeGroupsLoop(q, e2, 1, 290, scales, zps, 11);
          loop(q, a2, 1, 290, scales, zps, 11);
          expect(Array.from(a2), `dequantizeGroups ${Q.name} ${O.name} ${S.name}`).toEqual(Array.from(e2));
        }
      }
    }
    expect(seen.size).toBe(8 + 16);
  });

  it('every histogram copy computes what histogramLoop computes', () => {
    const seen = new Set<unknown>();
    for (const X of FLOATS) {
      const x = input(X, 2000, 0.01);
      for (const C of [Uint32Array, Float64Array]) {
        for (const abs of [false, true]) {
          const loop = generated.histogramLoopFor(x, new C(1), abs);
          seen.add(loop);
          const e = new C(37);
          const a = new C(37);
          histogramLoop(x, abs ? 0 : -1, 1.5, e, abs);
          loop(x, abs ? 0 : -1, 1.5, a);
          expect(Array.from(a), `histogram ${X.name} ${C.name} ${abs}`).toEqual(Array.from(e));
        }
      }
    }
    expect(seen.size).toBe(8);
  });

  it('fall back to the loop itself for an array class they have no copy for', () => {
    // Not reachable through validation; the kernels stay correct (only slower) for what the Backend contract excludes.
    const x = new Float64Array([0.5, 1.5, 300, NaN]);
    const out = new Uint8ClampedArray(4) as unknown as IntArray;
    const run = generated.quantizeRunLoopFor(x, out, 'onnx');
    expect(copies.some(([, f]) => f === run)).toBe(false);
    run(x, out, 0, 4, 1, 0, 0, 255);
    expect(Array.from(out as unknown as Uint8ClampedArray)).toEqual([0, 2, 255, 0]);
  });
});
