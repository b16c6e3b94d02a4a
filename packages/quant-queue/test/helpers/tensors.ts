import { readFileSync, writeFileSync } from 'node:fs';

/*
 * Input files for the tests, written from a seeded generator (the same data on every run): safetensors files as the
 * format's spec lays them out (8-byte header length, JSON header, data back to back).
 */

export interface TensorSpec {
  readonly name: string;
  readonly dtype: 'F32' | 'F64' | 'F16' | 'BF16';
  readonly shape: readonly number[];
}

const SIZES = { F32: 4, F64: 8, F16: 2, BF16: 2 } as const;

/** xorshift32: a small seeded generator, uniform in [0, 1). */
function generator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Values of one tensor: uniform in [-4, 4), with a few -0, and an outlier so ranges differ between rows. */
function values(spec: TensorSpec, seed: number): Uint8Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const r = generator(seed);
  const x = Float64Array.from({ length: n }, (_, i) => (i % 97 === 13 ? -0 : (r() * 2 - 1) * 4 * (1 + Math.floor(i / 50) % 3)));
  if (spec.dtype === 'F64') return new Uint8Array(x.buffer);
  const f = Float32Array.from(x);
  if (spec.dtype === 'F32') return new Uint8Array(f.buffer);
  const words = new Uint32Array(f.buffer);
  if (spec.dtype === 'BF16') return new Uint8Array(Uint16Array.from(words, (w) => w >>> 16).buffer);
  // float16 by truncation of the float32 (|x| < 16: normal halves), exact enough for test data.
  return new Uint8Array(
    Uint16Array.from(words, (w) => {
      const sign = (w >>> 16) & 0x8000;
      const exp = ((w >>> 23) & 0xff) - 127 + 15;
      if (exp <= 0) return sign;
      return sign | (exp << 10) | ((w >>> 13) & 0x3ff);
    }).buffer,
  );
}

export function writeSafetensors(path: string, tensors: readonly TensorSpec[], seed = 1): void {
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  tensors.forEach((t, i) => {
    const bytes = values(t, seed * 1000 + i + 1);
    if (bytes.length !== t.shape.reduce((a, b) => a * b, 1) * SIZES[t.dtype]) throw new Error('test data size');
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  });
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, ...parts]));
}

/** A file that claims more data than it has (`quant quantize` refuses it with E_OFFSETS or E_TRUNCATED). */
export function writeTruncated(path: string): void {
  writeSafetensors(path, [{ name: 'w', dtype: 'F32', shape: [64, 64] }]);
  writeFileSync(path, readFileSync(path).subarray(0, 200));
}
