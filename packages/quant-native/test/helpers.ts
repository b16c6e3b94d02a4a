import { describe, expect, it } from 'vitest';
import type { FloatArray, IntArray } from '@quantkit/quant-core';
import { Rng } from '@quantkit/quant-conformance/random';
import { loadNativeAddon, type LoadedAddon } from '../src/index.js';

/**
 * The real addon, or why it is missing. Suites that need it are skipped with the reason in their title, unless
 * QUANT_REQUIRE_NATIVE=1 (CI after a native build), where a missing addon fails them.
 */
export const native: { loaded?: LoadedAddon; error?: unknown } = (() => {
  try {
    return { loaded: loadNativeAddon() };
  } catch (error) {
    return { error };
  }
})();

const required = process.env['QUANT_REQUIRE_NATIVE'] === '1';

export function describeNative(name: string, body: () => void): void {
  if (native.loaded !== undefined) {
    describe(name, body);
    return;
  }
  const reason = native.error instanceof Error ? native.error.message.split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ') : String(native.error);
  if (required) {
    describe(name, () => {
      it('needs the native addon (QUANT_REQUIRE_NATIVE=1)', () => {
        throw native.error;
      });
    });
    return;
  }
  console.warn(`[quant-native tests] skipping "${name}": ${reason} Run \`pnpm build\` to build the addon.`);
  // The body is not collected: it would create backends on an addon that is not there.
  describe(name, () => {
    it.skip(`needs the native addon, which is not built (${reason})`, () => {});
  });
}

/** The `code` of what f throws (and that it throws an Error: the process did not crash). */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as { code: string }).code;
  }
  throw new Error('expected an error');
}

/** An engine of the raw addon, to call with arguments TypeScript validation would never let through. */
export type RawEngine = Record<string, (...args: unknown[]) => unknown>;

export const rawEngine = (): RawEngine => native.loaded!.addon.createEngine('auto', 2) as unknown as RawEngine;

/** The names of the descriptor's float64 slots, in order. */
export const descriptorSlots = (): readonly string[] => native.loaded!.addon.descriptorSlots;

/** A descriptor with the given slots set (the rest 0), as the addon takes it: the bytes of a Float64Array. */
export function descriptor(fields: Record<string, number>): Uint8Array {
  const values = new Float64Array(descriptorSlots().length);
  for (const [name, v] of Object.entries(fields)) values[descriptorSlots().indexOf(name)] = v;
  return new Uint8Array(values.buffer);
}

/** Uniform in [0, 1) from the conformance suite's seeded generator, so every run tests the same data. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

const FLT_MAX = 3.4028234663852886e38;

/** Values where kernels break: ties, NaN, infinities, signed zeros, subnormals, float extremes. */
export function edgeValues(dtype: 'float32' | 'float64'): number[] {
  const subnormal = dtype === 'float32' ? 1e-40 : 5e-324;
  const big = dtype === 'float32' ? FLT_MAX : Number.MAX_VALUE;
  return [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 126.5, 127.5, 128.5, -127.5, -128.5, 255.5, 32767.5, 65535.5, NaN, Infinity, -Infinity,
    subnormal, -subnormal, big, -big, FLT_MAX, -FLT_MAX, 1e-30, 3.75, -3.25, 1e6, -1e6];
}

/**
 * n values: mostly random in about [-spread, spread], with exact ties (k + 0.5) * tieScale and edge values mixed in.
 */
export function floatData(dtype: 'float32' | 'float64', n: number, seed: number, opts: { spread?: number; tieScale?: number; edges?: boolean } = {}): FloatArray {
  const r = rng(seed);
  const spread = opts.spread ?? 100;
  const tieScale = opts.tieScale ?? 0.25;
  const edges = opts.edges ?? true ? edgeValues(dtype) : [];
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (edges.length > 0 && u < 0.05) out[i] = edges[Math.floor(r() * edges.length)]!;
    else if (u < 0.2) out[i] = (Math.floor(r() * 2 * spread) - spread + 0.5) * tieScale;
    else out[i] = (r() * 2 - 1) * spread;
  }
  return out;
}

export function intData<T extends IntArray>(out: T, seed: number): T {
  const r = rng(seed);
  const bits = out.BYTES_PER_ELEMENT * 8;
  const signed = out instanceof Int8Array || out instanceof Int16Array;
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  for (let i = 0; i < out.length; i++) out[i] = lo + Math.floor(r() * 2 ** bits);
  return out;
}

type ViewCtor<T> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** Carves typed-array views out of one buffer, each starting `elementOffset` elements past an aligned slot. */
export class Arena {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  private used = 0;

  constructor(bytes: number, shared: boolean) {
    this.buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  view<T>(ctor: ViewCtor<T>, length: number, elementOffset: number): T {
    const start = Math.ceil(this.used / 64) * 64 + elementOffset * ctor.BYTES_PER_ELEMENT;
    this.used = start + length * ctor.BYTES_PER_ELEMENT;
    if (this.used > this.buffer.byteLength) throw new Error('arena too small');
    return new ctor(this.buffer, start, length);
  }

  /** A view like `source` (same class and contents). */
  copy<T extends ArrayBufferView & ArrayLike<number>>(source: T, elementOffset: number): T {
    const v = this.view(source.constructor as unknown as ViewCtor<T>, source.length, elementOffset);
    (v as unknown as { set(a: ArrayLike<number>): void }).set(source);
    return v;
  }
}

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Bit-for-bit equality of two typed arrays (same class, same bytes); a readable first difference otherwise. */
export function sameBits(actual: ArrayBufferView, expected: ArrayBufferView): string | undefined {
  if (actual.constructor !== expected.constructor) return `class ${actual.constructor.name} != ${expected.constructor.name}`;
  const a = bytesOf(actual);
  const b = bytesOf(expected);
  if (a.length !== b.length) return `byte length ${a.length} != ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const bpe = (actual as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      const k = Math.floor(i / bpe);
      return `element ${k}: ${(actual as unknown as ArrayLike<number>)[k]} != ${(expected as unknown as ArrayLike<number>)[k]}`;
    }
  }
  return undefined;
}

/** Min/max results: equal values, where the sign of a zero does not count (the contract leaves it unspecified). */
export function sameRange(actual: ArrayLike<number>, expected: ArrayLike<number>): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) return `element ${i}: ${a} != ${b}`;
  }
  return undefined;
}

/**
 * Equality of two QuantizedTensors (or QuantParams): typed arrays bit for bit, everything else deeply. Comparing big
 * typed arrays with expect().toStrictEqual is slow and leaves much garbage, so arrays are compared here.
 */
export function sameTensor(actual: object, expected: object): string | undefined {
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
  for (const k of keys) {
    const x = a[k];
    const y = e[k];
    if (ArrayBuffer.isView(x) || ArrayBuffer.isView(y)) {
      if (!ArrayBuffer.isView(x) || !ArrayBuffer.isView(y)) return `${k}: ${String(x)} != ${String(y)}`;
      const diff = sameBits(x, y);
      if (diff) return `${k}: ${diff}`;
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      return `${k}: ${JSON.stringify(x)} != ${JSON.stringify(y)}`;
    }
  }
  return undefined;
}
