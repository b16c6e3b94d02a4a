import { rng } from './data.js';
import { f32, f64, readSafetensorsSpec } from './spec-files.js';

/**
 * Synthetic embeddings like docs/EMBEDDINGS.md §8's: `clusters` centres of different spreads around a shared
 * per-dimension offset (real sentence embeddings are not centred), seeded. L2-normalized unless `normalize` is false.
 */
export function clusteredEmbeddings(rows: number, dim: number, seed: number, { clusters = 20, normalize = true } = {}): Float32Array {
  const r = rng(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const offset = Array.from({ length: dim }, () => 0.5 * gaussian());
  const centres = Array.from({ length: clusters }, () => ({ at: Array.from({ length: dim }, gaussian), spread: 0.3 + r() }));
  const x = new Float32Array(rows * dim);
  for (let row = 0; row < rows; row++) {
    const c = centres[Math.floor(r() * clusters)]!;
    let sum = 0;
    const values = c.at.map((v, d) => v + c.spread * gaussian() + offset[d]!);
    for (const v of values) sum += v * v;
    const scale = normalize ? 1 / Math.sqrt(sum) : 3;
    values.forEach((v, d) => (x[row * dim + d] = v * scale));
  }
  return x;
}

/** A `quant embeddings` output read with the independent reader, following docs/EMBEDDINGS.md "File layout". */
export interface EmbeddingsFile {
  readonly metadata: Record<string, string>;
  readonly names: string[];
  readonly codes: { readonly dtype: string; readonly shape: number[]; readonly data: Int8Array | Uint8Array };
  readonly ranges?: { readonly dtype: string; readonly shape: number[]; readonly min: Float32Array | Float64Array; readonly max: Float32Array | Float64Array };
  readonly steps?: { readonly dtype: string; readonly shape: number[]; readonly data: Float32Array | Float64Array };
}

export function readEmbeddingsFile(path: string): EmbeddingsFile {
  const { metadata, tensors } = readSafetensorsSpec(path);
  const codes = tensors.get('codes')!;
  const floats = (bytes: Uint8Array, dtype: string): Float32Array | Float64Array => (dtype === 'F32' ? f32(bytes) : f64(bytes));
  const data = codes.dtype === 'I8' ? new Int8Array(codes.bytes.slice().buffer) : new Uint8Array(codes.bytes.slice().buffer);
  const file: EmbeddingsFile = { metadata: metadata ?? {}, names: [...tensors.keys()], codes: { dtype: codes.dtype, shape: codes.shape, data } };
  const ranges = tensors.get('ranges');
  const steps = tensors.get('steps');
  if (ranges === undefined || steps === undefined) return file;
  const both = floats(ranges.bytes, ranges.dtype);
  const dim = ranges.shape[1]!;
  return {
    ...file,
    ranges: { dtype: ranges.dtype, shape: ranges.shape, min: both.subarray(0, dim), max: both.subarray(dim) },
    steps: { dtype: steps.dtype, shape: steps.shape, data: floats(steps.bytes, steps.dtype) },
  };
}
