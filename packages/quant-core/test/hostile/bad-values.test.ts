import { describe, expect, it } from 'vitest';
import {
  computeQParams,
  createAsyncQuantApi,
  dequantize,
  ErrorCodes,
  kernels,
  quantizationError,
  quantize,
  QuantError,
  type QuantizedTensor,
} from '../helpers/api.js';
import { turnAsyncBackend } from '../helpers/async-backend.js';

/*
 * Issue 19, defect 6: every bad input is a QuantError with a stable code. Before, a BigInt in a shape was a TypeError
 * (JSON.stringify while formatting the message), a BigInt64Array scale a TypeError (Math.fround of a BigInt), a
 * `signal` that is not an AbortSignal a TypeError, and a Uint8Array with a Float32Array prototype was read as floats.
 */

const x = Float32Array.of(-1, 0.5, 2, 3, -4, 5);
const qt = (over: Partial<QuantizedTensor>): QuantizedTensor => ({ ...quantize(x), ...over });
const bad = <T>(v: unknown): T => v as T;
const { quantizeAsync, dequantizeAsync, fakeQuantizeAsync } = createAsyncQuantApi(turnAsyncBackend());

/** A Uint8Array that claims, by its prototype, to be a Float32Array. */
function disguisedUint8(n: number): Float32Array {
  const a = new Uint8Array(n);
  Object.setPrototypeOf(a, Float32Array.prototype);
  return a as unknown as Float32Array;
}

const throwingToString = { toString: () => { throw new Error('toString called'); }, valueOf: () => { throw new Error('valueOf called'); } };
const revoked = (() => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
})();

/** [what, the call, the code it must throw (or reject with)]. */
const CASES: readonly (readonly [string, () => unknown, string])[] = [
  ['a BigInt in a shape', () => quantize(x, { shape: bad([6n]) }), ErrorCodes.SHAPE],
  ['a BigInt in a dequantized shape', () => dequantize(qt({ shape: bad([6n]) })), ErrorCodes.SHAPE],
  ['a Symbol in a shape', () => quantize(x, { shape: bad([Symbol('six')]) }), ErrorCodes.SHAPE],
  ['a BigInt scale', () => quantize(x, { scale: bad(1n) }), ErrorCodes.SCALE],
  ['a BigInt64Array of scales', () => quantize(x, { shape: [2, 3], granularity: { axis: 0 }, scale: bad(BigInt64Array.of(1n, 1n)) }), ErrorCodes.SCALE],
  ['a plain array of BigInt scales', () => quantize(x, { shape: [2, 3], granularity: { axis: 0 }, scale: bad([1n, 1n]) }), ErrorCodes.SCALE],
  ['a BigUint64Array of zero points', () => quantize(x, { shape: [2, 3], granularity: { axis: 0 }, scale: [1, 1], zeroPoint: bad(BigUint64Array.of(0n, 0n)) }), ErrorCodes.ZERO_POINT],
  ['a BigInt64Array of scales to dequantize', () => dequantize(qt({ shape: [2, 3], axis: 0, scale: bad(BigInt64Array.of(1n, 1n)), zeroPoint: new Int32Array(2) })), ErrorCodes.SCALE],
  ['a BigInt64Array range bound', () => quantize(x, { shape: [2, 3], granularity: { axis: 0 }, range: { min: bad(BigInt64Array.of(0n, 0n)), max: [1, 1] } }), ErrorCodes.RANGE],
  ['a BigInt in a range array', () => quantize(x, { shape: [2, 3], granularity: { axis: 0 }, range: { min: [0, 0], max: bad([1, 1n]) } }), ErrorCodes.RANGE],
  ['BigInt bits', () => quantize(x, { bits: bad(8n) }), ErrorCodes.BITS],
  ['Symbol bits', () => quantize(x, { bits: bad(Symbol('8')) }), ErrorCodes.BITS],
  ['bits with a throwing toString', () => quantize(x, { bits: bad(throwingToString) }), ErrorCodes.BITS],
  ['a revoked Proxy as bits', () => quantize(x, { bits: bad(revoked) }), ErrorCodes.BITS],
  ['a revoked Proxy as the scheme', () => quantize(x, { scheme: bad(revoked) }), ErrorCodes.OPTION],
  ['a Symbol axis', () => quantize(x, { shape: [2, 3], granularity: { axis: bad(Symbol('axis')) } }), ErrorCodes.AXIS],
  ['a BigInt blockSize', () => quantize(x, { shape: [2, 3], granularity: { axis: 1, blockSize: bad(2n) } }), ErrorCodes.BLOCK_SIZE],
  ['a BigInt zero point', () => quantize(x, { scale: 1, zeroPoint: bad(3n) }), ErrorCodes.ZERO_POINT],
  ['a BigInt64Array to quantizationError', () => quantizationError(bad(BigInt64Array.of(1n)), [1]), ErrorCodes.INPUT_TYPE],
  ['a BigInt inside an array to quantizationError', () => quantizationError([1, 2], bad([1, 2n])), ErrorCodes.INPUT_TYPE],
  ['a kernel spec that is null', () => kernels.quantizeTensor(x, 1, 0, bad(null), new Uint8Array(6)), ErrorCodes.OPTION],
  ['a kernel spec without a profile', () => kernels.quantizeTensor(x, 1, 0, bad({ qmin: 0, qmax: 255 }), new Uint8Array(6)), ErrorCodes.OPTION],
  ['a kernel layout with a BigInt', () => kernels.minMaxAxis(x, bad({ outer: 1n, channels: 6, inner: 1 }), new Float64Array(6), new Float64Array(6)), ErrorCodes.SHAPE],
  // (A kernel layout count beyond 2^53 is in huge-empty-shapes.test.ts: before the fix it was walked, not refused.)
  // Brand, not prototype: these are Uint8Arrays, whatever their prototype says.
  ['a Uint8Array with a Float32Array prototype to quantize', () => quantize(disguisedUint8(6)), ErrorCodes.INPUT_TYPE],
  ['the same to computeQParams', () => computeQParams(disguisedUint8(6)), ErrorCodes.INPUT_TYPE],
  ['the same as a kernel input', () => kernels.minMax(disguisedUint8(6)), ErrorCodes.INPUT_TYPE],
  ['the same as a dequantize output', () => dequantize(qt({}), disguisedUint8(6)), ErrorCodes.INPUT_TYPE],
  ['the same as a kernel output', () => kernels.dequantizeTensor(new Uint8Array(6), 1, 0, disguisedUint8(6)), ErrorCodes.OUTPUT],
  // The async API: a signal must be an AbortSignal.
  ['a signal that is a plain object', () => quantizeAsync(x, { signal: bad({}) }), ErrorCodes.OPTION],
  ['a signal that is null', () => fakeQuantizeAsync(x, { signal: bad(null) }), ErrorCodes.OPTION],
  ['a signal that is a string', () => dequantizeAsync(qt({}), { signal: bad('abort') }), ErrorCodes.OPTION],
];

async function outcomeOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('every bad input is a QuantError with a stable code', () => {
  for (const [what, call, code] of CASES) {
    it(what, async () => {
      const e = await outcomeOf(call);
      expect(e, 'returned instead of throwing').toBeInstanceOf(QuantError);
      expect((e as QuantError).code).toBe(code);
      expect((e as QuantError).message.length).toBeGreaterThan(10);
    });
  }

  it('messages name the type of the bad value', async () => {
    const messageOf = async (call: () => unknown): Promise<string> => ((await outcomeOf(call)) as Error).message;
    expect(await messageOf(() => quantize(x, { bits: bad('8') }))).toContain("got the string '8'");
    expect(await messageOf(() => quantize(x, { shape: bad([6n]) }))).toContain('the bigint 6n');
    expect(await messageOf(() => quantize(x, { bits: bad(throwingToString) }))).toContain('got an object');
    expect(await messageOf(() => quantize(disguisedUint8(6)))).toContain('got a Uint8Array of 6 elements');
    expect(await messageOf(() => quantizeAsync(x, { signal: bad({ aborted: 'no' }) }))).toContain('signal must be an AbortSignal, got an object');
  });

  it('a Float32Array whose prototype was changed is still a Float32Array, and quantizes like one', () => {
    const disguised = Float32Array.from(x);
    Object.setPrototypeOf(disguised, Uint8Array.prototype);
    const t = quantize(disguised as unknown as Float32Array);
    expect(t).toEqual(quantize(x));
    expect(t.dtype).toBe('float32');
  });
});
