import { REFERENCE_EMBEDDING_KERNELS, referenceBackend as ref, type Backend, type EmbeddingKernelName, type FloatArray } from '@quantkit/quant-core';
import { diffArrays } from '../compare.js';
import type { Draw, Run } from './differential.js';

/*
 * The differential runs of the embedding kernels: random dims (small, around multiples of 8 / 16 / 32, up to 65536
 * for the exact-int32 check), random row counts, codes drawn uniformly or from the extremes (-128 / 127, 0 / 255:
 * the largest sums), random ranges with empty ones (step 0), inputs at random offsets; every output compared with
 * the reference byte for byte. Float data of the scans is kept finite (a NaN score's payload is not a contract).
 */

/** The embedding kernels of the kernel table. */
export type EmbeddingOp = EmbeddingKernelName;

export const EMBEDDING_OPS: ReadonlySet<string> = new Set(Object.keys(REFERENCE_EMBEDDING_KERNELS));

const AROUND_SIMD = [8, 15, 16, 17, 24, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 384, 768, 1024];

function dimOf(d: Draw, n0: number): number {
  const r = d.rng.next();
  if (r < 0.02) return 65536; // the largest dim, where int8 / uint8 sums reach 2^30 / 2^32 - 1
  const dim = r < 0.35 ? d.rng.int(1, 40) : r < 0.75 ? d.rng.pick(AROUND_SIMD) : d.rng.int(1, 1500);
  return Math.min(dim, Math.max(1, n0));
}

/** The precision of an embedding call's float data: float64 only on a backend that lists it. */
function dtypeOf(d: Draw): 'float32' | 'float64' {
  return d.caps.embeddings?.includes('float64') === true && d.rng.next() < 0.25 ? 'float64' : 'float32';
}

function floatsAt(d: Draw, dtype: 'float32' | 'float64', n: number): FloatArray {
  const off = d.offset();
  return (dtype === 'float32' ? new Float32Array(n + off) : new Float64Array(n + off)).subarray(off);
}

/** Random floats made finite and below 1e30 in magnitude (scores then never overflow to ±Infinity or NaN). */
function finiteFloats(d: Draw, dtype: 'float32' | 'float64', n: number): FloatArray {
  const a = d.floats(dtype, n);
  for (let i = 0; i < n; i++) if (!(Math.abs(a[i]!) < 1e30)) a[i] = 0;
  return a;
}

/** Codes at a random offset: uniform, or only the two extremes of the type. */
function codesAt(d: Draw, signed: boolean, n: number): Int8Array | Uint8Array {
  const off = d.offset();
  const a = (signed ? new Int8Array(n + off) : new Uint8Array(n + off)).subarray(off);
  const [lo, hi] = signed ? [-128, 127] : [0, 255];
  const extremes = d.rng.next() < 0.2;
  for (let i = 0; i < n; i++) a[i] = extremes ? (d.rng.next() < 0.5 ? lo : hi) : d.rng.int(lo, hi);
  return a;
}

/** starts and steps of dim dimensions as quantizeEmbeddings makes them: fl(min), fl(fl(max - min) / 255), some empty. */
function rangesOf(d: Draw, dtype: 'float32' | 'float64', dim: number): { starts: FloatArray; steps: FloatArray } {
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const starts = floatsAt(d, dtype, dim);
  const steps = floatsAt(d, dtype, dim);
  const spread = 10 ** (d.rng.next() * 6 - 3);
  for (let i = 0; i < dim; i++) {
    const min = round((d.rng.next() * 2 - 1) * spread);
    const max = d.rng.next() < 0.05 ? min : round(min + d.rng.next() * 2 * spread);
    starts[i] = min;
    steps[i] = round(round(max - min) / 255);
  }
  return { starts, steps };
}

/** Scores of a Uint32Array compared through their bytes (diffArrays compares bytes: an Int32Array view of them). */
const bytesOf32 = (a: Int32Array | Uint32Array): Int32Array => (a instanceof Int32Array ? a : new Int32Array(a.buffer, a.byteOffset, a.length));

const call = <T extends unknown[]>(name: string, backend: Backend, args: T): void => (backend[name as 'minMax'] as unknown as (...a: T) => void)(...args);

export function runEmbeddings(op: EmbeddingOp, d: Draw, backend: Backend, n0: number): Run {
  const dim = dimOf(d, n0);
  const rows = Math.max(1, Math.min(Math.floor(n0 / dim), 4096));
  const n = rows * dim;
  const dtype = dtypeOf(d);
  switch (op) {
    case 'quantizeEmbeddingRows': {
      const x = d.floats(dtype, n);
      const { starts, steps } = rangesOf(d, dtype, dim);
      const precision = d.rng.next() < 0.5 ? 'int8' : 'uint8';
      const rounding = d.rng.next() < 0.5 ? 'floor' : 'toward-zero';
      const make = (): Int8Array | Uint8Array => (precision === 'int8' ? new Int8Array(n) : new Uint8Array(n));
      const out = make();
      const want = make();
      backend.quantizeEmbeddingRows(x, dim, starts, steps, precision, rounding, out);
      ref.quantizeEmbeddingRows(x, dim, starts, steps, precision, rounding, want);
      const desc = `${op} ${dtype} ${rows}x${dim} ${precision} ${rounding}`;
      return { desc, elements: n, failure: diffArrays(desc, want, out, x) };
    }
    case 'packBinaryRows': {
      const x = d.floats(dtype, n);
      const precision = d.rng.next() < 0.5 ? 'binary' : 'ubinary';
      const bitOrder = d.rng.next() < 0.5 ? 'msb' : 'lsb';
      const threshold = d.rng.next() < 0.5 ? 'positive' : 'nonnegative';
      const bytes = rows * Math.ceil(dim / 8);
      const make = (): Int8Array | Uint8Array => (precision === 'binary' ? new Int8Array(bytes) : new Uint8Array(bytes));
      const out = make();
      const want = make();
      backend.packBinaryRows(x, dim, precision, bitOrder, threshold, out);
      ref.packBinaryRows(x, dim, precision, bitOrder, threshold, want);
      const desc = `${op} ${dtype} ${rows}x${dim} ${precision} ${bitOrder} ${threshold}`;
      return { desc, elements: n, failure: diffArrays(desc, want, out) };
    }
    case 'hammingScan': {
      const signed = d.rng.next() < 0.5;
      const query = codesAt(d, signed, dim);
      const data = codesAt(d, signed, n);
      const out = new Uint32Array(rows);
      const want = new Uint32Array(rows);
      backend.hammingScan(query, data, dim, out);
      ref.hammingScan(query, data, dim, want);
      const desc = `${op} ${rows} rows x ${dim} bytes`;
      return { desc, elements: n, failure: diffArrays(desc, bytesOf32(want), bytesOf32(out)) };
    }
    case 'dotScanInt8':
    case 'dotScanUint8':
    case 'l2ScanInt8':
    case 'l2ScanUint8': {
      const signed = op.endsWith('Int8');
      const query = codesAt(d, signed, dim);
      const data = codesAt(d, signed, n);
      const make = (): Int32Array | Uint32Array => (op === 'dotScanInt8' ? new Int32Array(rows) : new Uint32Array(rows));
      const out = make();
      const want = make();
      call(op, backend, [query, data, dim, out]);
      call(op, ref, [query, data, dim, want]);
      const desc = `${op} ${rows}x${dim}`;
      return { desc, elements: n, failure: diffArrays(desc, bytesOf32(want), bytesOf32(out)) };
    }
    case 'dotScanAsymmetric':
    case 'l2ScanAsymmetric': {
      const query = finiteFloats(d, dtype, dim);
      const data = codesAt(d, d.rng.next() < 0.5, n);
      const { starts, steps } = rangesOf(d, dtype, dim);
      const rounding = d.rng.next() < 0.5 ? 'floor' : 'toward-zero';
      const out = new Float64Array(rows);
      const want = new Float64Array(rows);
      call(op, backend, [query, data, starts, steps, dim, out, rounding]);
      call(op, ref, [query, data, starts, steps, dim, want, rounding]);
      const desc = `${op} ${dtype} ${data.constructor.name} ${rows}x${dim} ${rounding}`;
      return { desc, elements: n, failure: diffArrays(desc, want, out) };
    }
    case 'dotScanFloat':
    case 'l2ScanFloat': {
      const query = finiteFloats(d, dtype, dim);
      const data = finiteFloats(d, dtypeOf(d), n);
      const out = new Float64Array(rows);
      const want = new Float64Array(rows);
      call(op, backend, [query, data, dim, out]);
      call(op, ref, [query, data, dim, want]);
      const desc = `${op} ${dtype} x ${data.constructor.name} ${rows}x${dim}`;
      return { desc, elements: n, failure: diffArrays(desc, want, out) };
    }
    case 'topKKernel': {
      // Scores with many ties (a few distinct values), NaN and -0 among float64 ones; k of 0, 1, n, above n or random.
      const count = d.rng.int(0, Math.min(n0, 65536));
      const type = d.rng.pick(['Float64Array', 'Int32Array', 'Uint32Array'] as const);
      const off = d.offset();
      const scores = (type === 'Float64Array' ? new Float64Array(count + off) : type === 'Int32Array' ? new Int32Array(count + off) : new Uint32Array(count + off)).subarray(off);
      const distinct = d.rng.pick([1, 2, 5, 100, 2 ** 31]);
      for (let i = 0; i < count; i++) {
        const r = d.rng.next();
        if (type === 'Float64Array') scores[i] = r < 0.1 ? NaN : r < 0.15 ? -0 : r < 0.2 ? 0 : (d.rng.int(0, distinct - 1) - distinct / 2) * 0.25;
        else scores[i] = type === 'Int32Array' ? d.rng.int(0, distinct - 1) - Math.floor(distinct / 2) : d.rng.next() < 0.05 ? 0xffffffff : d.rng.int(0, distinct - 1);
      }
      const k = d.rng.pick([0, 1, count, count + d.rng.int(1, 5), d.rng.int(0, count)]);
      const order = d.rng.next() < 0.5 ? 'ascending' : 'descending';
      const size = Math.min(k, count);
      const out = new Uint32Array(size);
      const want = new Uint32Array(size);
      const got = backend.topKKernel(scores, k, order, out);
      const expected = ref.topKKernel(scores, k, order, want);
      const desc = `${op} ${type} n ${count} k ${k} ${order} (${distinct} distinct)`;
      const failure = got !== expected ? `${desc}: returned ${got}, the reference ${expected}` : diffArrays(desc, bytesOf32(want), bytesOf32(out));
      return { desc, elements: Math.max(1, count), failure };
    }
  }
}
