import { createAsyncQuantApi, createKernelApi, createQuantApi, ErrorCodes, QuantError, type AsyncQuantApi, type Backend } from '@quantkit/quant-core';
import { describeError, Tally, type Check } from '../types.js';
import { asyncBackendOf } from './async-backend.js';

/*
 * The memory rules of SPEC §8 on a backend (issue 19), in the errors family:
 * - an empty tensor whose shape has a huge dimension beside a zero is answered at once by the API and by the
 *   backend's own kernels (work bounded by the data, not by the shape);
 * - through the async API: a view detached while a call runs rejects with ERR_QUANT_DETACHED once the backend has
 *   finished (never a result of 0 codes), views of resizable buffers are refused (ERR_QUANT_INPUT_TYPE for inputs,
 *   ERR_QUANT_OUTPUT for outputs), and `signal` must be an AbortSignal (ERR_QUANT_OPTION).
 * Async calls use the backend's own async kernels when it has them (asyncBackendOf).
 */

const HUGE = 2 ** 52;
const N = 1 << 18; // large enough that a native backend runs the calls on its threads

const data = (): Float32Array => Float32Array.from({ length: N }, (_, i) => Math.sin(i * 0.37) * 5);
const transfer = (view: ArrayBufferView): ArrayBuffer => structuredClone(view.buffer as ArrayBuffer, { transfer: [view.buffer as ArrayBuffer] });
type Resizable = new (length: number, options: { maxByteLength: number }) => ArrayBuffer;
const resizable = <T>(make: (buffer: ArrayBuffer) => T, bytes: number): T => make(new (ArrayBuffer as unknown as Resizable)(bytes, { maxByteLength: 2 * bytes }));

/** Failure messages of one bounded-work case: `run` must return `expected` (compared as JSON). */
function bounded(name: string, run: () => unknown, expected: unknown): string[] {
  try {
    const got = JSON.stringify(run());
    return got === JSON.stringify(expected) ? [] : [`${name}: returned ${got}, expected ${JSON.stringify(expected)}`];
  } catch (e) {
    return [`${name}: threw ${describeError(e)}`];
  }
}

function boundedWork(backend: Backend): string[][] {
  const api = createQuantApi(backend);
  const k = createKernelApi(backend);
  const x = new Float32Array(0);
  const u8 = { qmin: 0, qmax: 255, profile: 'onnx' } as const;
  const groups = (t: { scale: number | ArrayLike<number> }): number => (typeof t.scale === 'number' ? 1 : t.scale.length);
  const caps = backend.capabilities;
  const cases: [string, () => unknown, unknown][] = [];
  if (caps.perAxis) {
    cases.push(
      ['quantize [2^52, 0] on the last axis', () => groups(api.quantize(x, { shape: [HUGE, 0], granularity: { axis: -1 } })), 0],
      ['fakeQuantize [2^52, 3, 0] on axis 1', () => api.fakeQuantize(x, { shape: [HUGE, 3, 0], granularity: { axis: 1 } }).length, 0],
      ['dequantize [2^52, 2, 0] on axis 1', () => api.dequantize(api.quantize(x, { shape: [HUGE, 2, 0], granularity: { axis: 1 } })).length, 0],
      ['kernel quantizeAxis over 2^52 empty rows', () => k.quantizeAxis(x, new Float32Array(0), new Int32Array(0), { outer: HUGE, channels: 0, inner: 1 }, u8, new Uint8Array(0)), undefined],
      ['kernel minMaxAxis over 2^52 empty rows', () => { const min = new Float64Array(2); const max = new Float64Array(2); k.minMaxAxis(x, { outer: HUGE, channels: 2, inner: 0 }, min, max); return [...min, ...max].map(String); }, ['Infinity', 'Infinity', '-Infinity', '-Infinity']],
    );
  }
  if (caps.blocked) {
    cases.push(
      ['quantize [2^52, 0] in blocks of 32 on the last axis', () => groups(api.quantize(x, { shape: [HUGE, 0], granularity: { axis: -1, blockSize: 32 } })), 0],
      ['kernel quantizeBlocked over 2^52 empty rows', () => k.quantizeBlocked(x, new Float32Array(0), new Int32Array(0), { outer: HUGE, dim: 0, inner: 1, blockSize: 4 }, u8, new Uint8Array(0)), undefined],
      ['kernel dequantizeBlocked over 2^52 empty rows', () => k.dequantizeBlocked(new Uint8Array(0), new Float32Array(0), new Int32Array(0), { outer: HUGE, dim: 0, inner: 1, blockSize: 4 }, new Float32Array(0)), undefined],
    );
  }
  return cases.map(([name, run, expected]) => bounded(name, run, expected));
}

/** A call that must reject with `code`: the messages of what went wrong instead. */
async function rejects(name: string, code: string, call: () => Promise<unknown>): Promise<string[]> {
  try {
    await call();
  } catch (e) {
    if (!(e instanceof QuantError)) return [`${name}: rejected with ${describeError(e)}, expected a QuantError ${code}`];
    return e.code === code ? [] : [`${name}: rejected with ${e.code} (${e.message}), expected ${code}`];
  }
  return [`${name}: resolved, expected a rejection with ${code}`];
}

/** Starts `call` on a fresh view, then detaches it while the call runs. */
async function detachedDuring<T extends ArrayBufferView>(make: () => T, call: (view: T) => Promise<unknown>): Promise<unknown> {
  const view = make();
  const running = call(view);
  const memory = transfer(view);
  const result = await running;
  // The transferred memory stays reachable until the call has settled (a backend may still read it).
  return memory.byteLength >= 0 ? result : undefined;
}

function asyncScenarios(a: AsyncQuantApi): [string, string, () => Promise<unknown>][] {
  const C = ErrorCodes;
  return [
    [C.DETACHED, 'quantizeAsync whose input is detached while it runs', () => detachedDuring(data, (x) => a.quantizeAsync(x))],
    [C.DETACHED, 'fakeQuantizeAsync whose input is detached while it runs', () => detachedDuring(data, (x) => a.fakeQuantizeAsync(x, { bits: 4 }))],
    [C.DETACHED, 'quantizeAsync whose out is detached while it runs', () => detachedDuring(() => new Uint8Array(N), (out) => a.quantizeAsync(data(), { out }))],
    [C.DETACHED, 'dequantizeAsync whose out is detached while it runs', () => detachedDuring(() => new Float32Array(N), (out) => a.dequantizeAsync({ data: new Uint8Array(N), scale: 0.1, zeroPoint: 3, scheme: 'affine', bits: 8, shape: [N], packed: false, narrowRange: false, profile: 'onnx', dtype: 'float32' }, { out }))],
    [C.DETACHED, 'quantizeAsync of a view detached before the call', () => { const x = data(); transfer(x); return a.quantizeAsync(x); }],
    [C.INPUT_TYPE, 'quantizeAsync of a resizable view', () => a.quantizeAsync(resizable((b) => new Float32Array(b), 4 * N))],
    [C.INPUT_TYPE, 'dequantizeAsync of resizable data', () => a.dequantizeAsync({ data: resizable((b) => new Uint8Array(b), N), scale: 0.1, zeroPoint: 3, scheme: 'affine', bits: 8, shape: [N], packed: false, narrowRange: false, profile: 'onnx', dtype: 'float32' })],
    [C.OUTPUT, 'quantizeAsync into a resizable out', () => a.quantizeAsync(data(), { out: resizable((b) => new Uint8Array(b), N) })],
    [C.OPTION, 'quantizeAsync with a signal that is not an AbortSignal', () => a.quantizeAsync(data(), { signal: {} as AbortSignal })],
    [C.UNKNOWN_OPTION, 'quantizeAsync with option sginal', () => a.quantizeAsync(data(), { sginal: new AbortController().signal } as object)],
  ];
}

export function memoryChecks(): Check[] {
  return [
    {
      family: 'errors',
      name: 'bounded work: empty tensors with a huge dimension',
      run(backend: Backend) {
        const tally = new Tally();
        for (const messages of boundedWork(backend)) tally.record(messages);
        return tally.result();
      },
    },
    {
      family: 'errors',
      name: 'async memory rules: detached, resizable, signal',
      async run(backend: Backend) {
        const tally = new Tally();
        const api = createAsyncQuantApi(asyncBackendOf(backend));
        for (const [code, name, call] of asyncScenarios(api)) tally.record(await rejects(name, code, call));
        return tally.result();
      },
    },
  ];
}
