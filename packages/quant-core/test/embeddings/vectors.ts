import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/* Reading the oracle vectors of test/vectors/embeddings (base64 of little-endian bytes, see their provenance). */

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'embeddings');

export function readVectors<T>(file: string): T {
  return JSON.parse(readFileSync(join(VECTORS, file), 'utf8')) as T;
}

const ARRAYS = { float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array } as const;
export type VectorDType = keyof typeof ARRAYS;

export function decode<D extends VectorDType>(base64: string, dtype: D): InstanceType<(typeof ARRAYS)[D]> {
  const bytes = Buffer.from(base64, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new ARRAYS[dtype](copy.buffer) as InstanceType<(typeof ARRAYS)[D]>;
}

export interface UpstreamResult {
  readonly codes?: string;
  readonly codesDType?: string;
  readonly shape?: number[];
  readonly error?: string;
}

export interface StCase {
  readonly name: string;
  readonly kind: 'scalar' | 'binary';
  readonly dtype: 'float32' | 'float64';
  readonly rows: number;
  readonly dim: number;
  readonly inRange?: boolean;
  readonly embeddings: string;
  readonly ranges?: string;
  readonly calibration?: string;
  readonly results: Record<string, Record<'current' | 'legacy', UpstreamResult>>;
}

export interface StVectors {
  readonly provenance: { readonly upstream: Record<'current' | 'legacy', { commit: string; version: string }> };
  readonly cases: readonly StCase[];
}

export interface TfjsCase {
  readonly name: string;
  readonly rows: number;
  readonly dim: number;
  readonly embeddings: string;
  readonly results: Record<'binary' | 'ubinary', UpstreamResult>;
}

export interface TfjsVectors {
  readonly provenance: { readonly version: string };
  readonly cases: readonly TfjsCase[];
}
