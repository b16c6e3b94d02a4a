import {
  createQuantApi,
  roundHalfEven,
  type Backend,
  type FloatArray,
  type IntArray,
  type QuantApi,
  type QuantizationErrorReport,
  type QuantizeOptions,
} from '@quantkit/quant-core';
import type { Arena } from '../arena.js';
import { diffArrays, diffErrorReport, sameNumber, show } from '../compare.js';
import { decodeArray, decodeNumber, dtypeOf, type AnyTypedArray, type EncodedArray, type JsonNumber } from '../encoding.js';
import type { Requirement } from '../types.js';
import type { Approx, CorpusCase, ErrorReportJson, MinMaxJson, QuantizeOptionsJson } from './schema.js';

/** One runnable case: a corpus case, or one length of a sweep. */
export interface SubCase {
  readonly label: string;
  /** The prefix length of a sweep sub-case. */
  readonly length?: number;
  readonly requirement: Requirement;
  /** Bytes of all arrays involved (to size a view arena). */
  readonly bytes: number;
  run(backend: Backend, arena: Arena): string[];
}

const apis = new WeakMap<Backend, QuantApi>();

function apiOf(backend: Backend): QuantApi {
  let api = apis.get(backend);
  if (api === undefined) {
    api = createQuantApi(backend);
    apis.set(backend, api);
  }
  return api;
}

function diffReport(expected: ErrorReportJson, actual: QuantizationErrorReport): string | undefined {
  const decoded = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, decodeNumber(v as JsonNumber)])) as unknown as QuantizationErrorReport;
  return diffErrorReport(decoded, actual);
}

/** The sign of a zero min or max is unspecified (reduce.ts), so ±0 compare equal; NaN never appears. */
function diffMinMax(label: string, expected: MinMaxJson, actual: { min: number; max: number }): string | undefined {
  const min = decodeNumber(expected.min);
  const max = decodeNumber(expected.max);
  if (!sameNumber(min, actual.min, false) || !sameNumber(max, actual.max, false)) {
    return `${label} expected {min: ${min}, max: ${max}}, actual {min: ${actual.min}, max: ${actual.max}}`;
  }
  return undefined;
}

function bitsOfArray(a: AnyTypedArray): number {
  return a.BYTES_PER_ELEMENT === 1 ? 8 : 16;
}

function floatReq(a: AnyTypedArray): Requirement {
  return a instanceof Float64Array ? { float64: true } : {};
}

function optionsRequirement(x: AnyTypedArray, o: QuantizeOptionsJson): Requirement {
  const g = o.granularity;
  return {
    ...floatReq(x),
    profile: o.profile ?? 'onnx',
    bits: o.bits ?? 8,
    ...(o.packed ? { packedBits: (o.bits ?? 8) as 2 | 4 } : {}),
    ...(typeof g === 'object' ? ('blockSize' in g ? { blocked: true } : { perAxis: true }) : {}),
  };
}

function roundTo(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return roundHalfEven(v * f) / f;
}

function checkScale(label: string, expected: JsonNumber | EncodedArray | Approx, actual: number | FloatArray): string | undefined {
  if (typeof expected === 'object' && 'approx' in expected) {
    if (typeof actual !== 'number' || !(Math.abs(actual - expected.approx) <= expected.tolerance)) {
      return `${label}: scale expected ${expected.approx} ± ${expected.tolerance}, actual ${String(actual)}`;
    }
    return undefined;
  }
  if (typeof expected === 'object') {
    if (typeof actual === 'number') return `${label}: scale expected an array, actual ${actual}`;
    return diffArrays(`${label} scale`, decodeArray(expected), actual);
  }
  const e = decodeNumber(expected);
  if (typeof actual !== 'number' || !sameNumber(e, actual)) return `${label}: scale expected ${e}, actual ${String(actual)}`;
  return undefined;
}

function checkZeroPoint(label: string, expected: number | EncodedArray, actual: number | Int32Array): string | undefined {
  if (typeof expected === 'number') {
    return actual === expected ? undefined : `${label}: zeroPoint expected ${expected}, actual ${String(actual)}`;
  }
  if (typeof actual === 'number') return `${label}: zeroPoint expected an array, actual ${actual}`;
  return diffArrays(`${label} zeroPoint`, decodeArray(expected), actual);
}

/** Expected packed bytes of the first n elements: a prefix of the full packing with the padding bits cleared. */
function packedPrefix(full: Uint8Array, n: number, bits: 2 | 4): Uint8Array {
  const bytes = Math.ceil((n * bits) / 8);
  const out = full.slice(0, bytes);
  const used = (n * bits) % 8;
  if (used !== 0) out[bytes - 1]! &= (1 << used) - 1;
  return out;
}

function compact(messages: (string | undefined)[], arena: Arena): string[] {
  return [...messages.filter((m): m is string => m !== undefined), ...arena.verify()];
}

/** Splits a corpus case into runnable sub-cases (one per length for sweeps). */
export function expandCase(c: CorpusCase): SubCase[] {
  const lengths = c.lengths;
  const sweep = <T>(make: (n: number | undefined, label: string) => T): T[] =>
    lengths === undefined ? [make(undefined, c.name)] : lengths.map((n) => make(n, `${c.name} [n=${n}]`));
  const prefix = <T extends AnyTypedArray>(a: T, n: number | undefined): T => (n === undefined ? a : (a.subarray(0, n) as T));

  switch (c.op) {
    case 'quantizeTensor': {
      const x = decodeArray(c.x) as FloatArray;
      const expected = decodeArray(c.expected);
      return sweep((n, label) => ({
        label,
        ...(n !== undefined ? { length: n } : {}),
        requirement: { ...floatReq(x), profile: c.spec.profile, bits: c.bits },
        bytes: x.byteLength + expected.byteLength,
        run(backend, arena) {
          const xv = arena.copy(prefix(x, n));
          const out = arena.alloc(dtypeOf(expected), xv.length) as IntArray;
          backend.quantizeTensor(xv, c.scale, c.zeroPoint, c.spec, out);
          return compact([diffArrays('codes', prefix(expected, n), out, xv)], arena);
        },
      }));
    }
    case 'quantizeAxis':
    case 'quantizeBlocked': {
      const x = decodeArray(c.x) as FloatArray;
      const scales = decodeArray(c.scales) as FloatArray;
      const zps = decodeArray(c.zeroPoints) as Int32Array;
      const expected = decodeArray(c.expected);
      return [
        {
          label: c.name,
          requirement: { ...floatReq(x), profile: c.spec.profile, bits: c.bits, ...(c.op === 'quantizeAxis' ? { perAxis: true } : { blocked: true }) },
          bytes: x.byteLength + scales.byteLength + zps.byteLength + expected.byteLength,
          run(backend, arena) {
            const xv = arena.copy(x);
            const sv = arena.copy(scales);
            const zv = arena.copy(zps);
            const out = arena.alloc(dtypeOf(expected), x.length) as IntArray;
            if (c.op === 'quantizeAxis') backend.quantizeAxis(xv, sv, zv, c.layout, c.spec, out);
            else backend.quantizeBlocked(xv, sv, zv, c.layout, c.spec, out);
            return compact([diffArrays('codes', expected, out, xv)], arena);
          },
        },
      ];
    }
    case 'dequantizeTensor': {
      const q = decodeArray(c.q) as IntArray;
      const expected = decodeArray(c.expected) as FloatArray;
      return sweep((n, label) => ({
        label,
        ...(n !== undefined ? { length: n } : {}),
        requirement: { ...floatReq(expected), bits: bitsOfArray(q) },
        bytes: q.byteLength + expected.byteLength,
        run(backend, arena) {
          const qv = arena.copy(prefix(q, n));
          const out = arena.alloc(dtypeOf(expected), qv.length) as FloatArray;
          backend.dequantizeTensor(qv, c.scale, c.zeroPoint, out);
          return compact([diffArrays('values', prefix(expected, n), out, qv)], arena);
        },
      }));
    }
    case 'dequantizeAxis':
    case 'dequantizeBlocked': {
      const q = decodeArray(c.q) as IntArray;
      const scales = decodeArray(c.scales) as FloatArray;
      const zps = decodeArray(c.zeroPoints) as Int32Array;
      const expected = decodeArray(c.expected) as FloatArray;
      return [
        {
          label: c.name,
          requirement: { ...floatReq(expected), bits: bitsOfArray(q), ...(c.op === 'dequantizeAxis' ? { perAxis: true } : { blocked: true }) },
          bytes: q.byteLength + scales.byteLength + zps.byteLength + expected.byteLength,
          run(backend, arena) {
            const qv = arena.copy(q);
            const sv = arena.copy(scales);
            const zv = arena.copy(zps);
            const out = arena.alloc(dtypeOf(expected), q.length) as FloatArray;
            if (c.op === 'dequantizeAxis') backend.dequantizeAxis(qv, sv, zv, c.layout, out);
            else backend.dequantizeBlocked(qv, sv, zv, c.layout, out);
            return compact([diffArrays('values', expected, out, qv)], arena);
          },
        },
      ];
    }
    case 'fakeQuantizeTensor': {
      const x = decodeArray(c.x) as FloatArray;
      const expected = decodeArray(c.expected) as FloatArray;
      return sweep((n, label) => ({
        label,
        ...(n !== undefined ? { length: n } : {}),
        requirement: { ...floatReq(x), profile: c.spec.profile, bits: c.bits, fakeQuantize: true },
        bytes: x.byteLength + expected.byteLength,
        run(backend, arena) {
          const xv = arena.copy(prefix(x, n));
          // The values-only kernel (fakeQuantize(x) without metrics) must give the very same values. It runs first: a
          // backend that copies through scratch memory (wasm) would otherwise hand back the fused kernel's values
          // for any element the values-only kernel failed to write.
          const valuesOnly = arena.alloc(dtypeOf(expected), xv.length) as FloatArray;
          backend.fakeQuantizeTensorValues(xv, c.scale, c.zeroPoint, c.spec, valuesOnly);
          const out = arena.alloc(dtypeOf(expected), xv.length) as FloatArray;
          const report = backend.fakeQuantizeTensor(xv, c.scale, c.zeroPoint, c.spec, out);
          const expectedError = n === undefined ? c.expectedError : c.expectedPerLength?.[lengths!.indexOf(n)];
          return compact(
            [
              diffArrays('values', prefix(expected, n), out, xv),
              expectedError && diffReport(expectedError, report),
              diffArrays('values of fakeQuantizeTensorValues', prefix(expected, n), valuesOnly, xv),
            ],
            arena,
          );
        },
      }));
    }
    case 'minMax':
    case 'absMax': {
      const x = decodeArray(c.x) as FloatArray;
      return sweep((n, label) => ({
        label,
        ...(n !== undefined ? { length: n } : {}),
        requirement: floatReq(x),
        bytes: x.byteLength,
        run(backend, arena) {
          const xv = arena.copy(prefix(x, n));
          const i = n === undefined ? -1 : lengths!.indexOf(n);
          if (c.op === 'minMax') {
            const expected = i < 0 ? c.expected! : c.expectedPerLength![i]!;
            return compact([diffMinMax('minMax', expected, backend.minMax(xv))], arena);
          }
          const expected = decodeNumber(i < 0 ? c.expected! : c.expectedPerLength![i]!);
          const actual = backend.absMax(xv);
          return compact([sameNumber(expected, actual) ? undefined : `absMax expected ${show(expected)}, actual ${show(actual)}`], arena);
        },
      }));
    }
    case 'minMaxAxis':
    case 'minMaxBlocked': {
      const x = decodeArray(c.x) as FloatArray;
      const eMin = decodeArray(c.expectedMin) as Float64Array;
      const eMax = decodeArray(c.expectedMax) as Float64Array;
      return [
        {
          label: c.name,
          requirement: { ...floatReq(x), ...(c.op === 'minMaxAxis' ? { perAxis: true } : { blocked: true }) },
          bytes: x.byteLength + 2 * eMin.byteLength,
          run(backend, arena) {
            const xv = arena.copy(x);
            const outMin = arena.alloc('float64', eMin.length) as Float64Array;
            const outMax = arena.alloc('float64', eMax.length) as Float64Array;
            if (c.op === 'minMaxAxis') backend.minMaxAxis(xv, c.layout, outMin, outMax);
            else backend.minMaxBlocked(xv, c.layout, outMin, outMax);
            const messages: (string | undefined)[] = [];
            for (let g = 0; g < eMin.length && messages.length === 0; g++) {
              messages.push(diffMinMax(`group ${g}`, { min: eMin[g]!, max: eMax[g]! }, { min: outMin[g]!, max: outMax[g]! }));
            }
            return compact(messages, arena);
          },
        },
      ];
    }
    case 'pack': {
      const q = decodeArray(c.q) as Int8Array | Uint8Array;
      const expected = decodeArray(c.expected) as Uint8Array;
      return sweep((n, label) => ({
        label,
        ...(n !== undefined ? { length: n } : {}),
        requirement: { packedBits: c.bits },
        bytes: q.byteLength + expected.byteLength,
        run(backend, arena) {
          const qv = arena.copy(prefix(q, n));
          const want = n === undefined ? expected : packedPrefix(expected, n, c.bits);
          const out = arena.alloc('uint8', want.length) as Uint8Array;
          backend.pack(qv, c.bits, out);
          return compact([diffArrays('packed bytes', want, out)], arena);
        },
      }));
    }
    case 'unpack': {
      const packed = decodeArray(c.packed) as Uint8Array;
      const expected = decodeArray(c.expected) as Int8Array | Uint8Array;
      return sweep((n, label) => ({
        label,
        ...(n !== undefined ? { length: n } : {}),
        requirement: { packedBits: c.bits },
        bytes: packed.byteLength + expected.byteLength,
        run(backend, arena) {
          const count = n ?? expected.length;
          const pv = arena.copy(packed.subarray(0, Math.ceil((count * c.bits) / 8)));
          const out = arena.alloc(dtypeOf(expected), count) as Int8Array | Uint8Array;
          backend.unpack(pv, c.bits, c.signed, out);
          return compact([diffArrays('unpacked codes', prefix(expected, n), out)], arena);
        },
      }));
    }
    case 'quantize': {
      const x = decodeArray(c.x) as FloatArray;
      const data = decodeArray(c.expected.data);
      return [
        {
          label: c.name,
          requirement: optionsRequirement(x, c.options),
          bytes: x.byteLength + data.byteLength,
          run(backend, arena) {
            const qt = apiOf(backend).quantize(arena.copy(x), c.options as QuantizeOptions);
            return compact(
              [diffArrays('data', data, qt.data, x), checkScale('params', c.expected.scale, qt.scale), checkZeroPoint('params', c.expected.zeroPoint, qt.zeroPoint)],
              arena,
            );
          },
        },
      ];
    }
    case 'fakeQuantize': {
      const x = decodeArray(c.x) as FloatArray;
      const expected = decodeArray(c.expected);
      return [
        {
          label: c.name,
          requirement: optionsRequirement(x, c.options),
          bytes: x.byteLength + expected.byteLength,
          run(backend, arena) {
            const values = apiOf(backend).fakeQuantize(arena.copy(x), c.options as QuantizeOptions);
            return compact([diffArrays('values', expected, values, x)], arena);
          },
        },
      ];
    }
    case 'fakeQuantizeWithError': {
      const x = decodeArray(c.x) as FloatArray;
      return [
        {
          label: c.name,
          requirement: optionsRequirement(x, c.options),
          bytes: 2 * x.byteLength,
          run(backend, arena) {
            const r = apiOf(backend).fakeQuantizeWithError(arena.copy(x), c.options as QuantizeOptions);
            const messages: (string | undefined)[] = [];
            const rounded = Array.from(r.values, (v) => roundTo(v, c.decimals));
            const i = rounded.findIndex((v, k) => Math.abs(v - c.expectedValues[k]!) > 1e-9);
            if (rounded.length !== c.expectedValues.length || i >= 0) {
              messages.push(`value ${i} (${r.values[i]}) rounds to ${rounded[i]}, expected ${c.expectedValues[i]}`);
            }
            const mse = roundTo(r.error.mse, c.decimals);
            if (Math.abs(mse - c.expectedMse) > 1e-9) messages.push(`MSE ${r.error.mse} rounds to ${mse}, expected ${c.expectedMse}`);
            return compact(messages, arena);
          },
        },
      ];
    }
  }
}
