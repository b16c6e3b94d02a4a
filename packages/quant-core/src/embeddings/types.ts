/*
 * Embedding quantization for vector search (docs/EMBEDDINGS.md): the public types. A batch is `rows` embeddings of
 * `dim` values, row-major.
 */

import type { FloatDType, HalfDType } from '../types.js';

/**
 * `uint8` / `int8`: one code per value, from per-dimension ranges (sentence-transformers' scalar quantization).
 * `ubinary` / `binary`: one bit per value, packed 8 to a byte, each row starting on a byte; `binary` is the
 * `ubinary` byte minus 128 as an int8 (sentence-transformers, transformers.js).
 */
export type EmbeddingPrecision = 'int8' | 'uint8' | 'binary' | 'ubinary';
export type ScalarPrecision = 'int8' | 'uint8';
export type BinaryPrecision = 'binary' | 'ubinary';

/** Where element 8j + b of a row goes in byte j: `msb` bit 7 - b (numpy packbits), `lsb` bit b (Qdrant, FAISS). */
export type BitOrder = 'msb' | 'lsb';

/** A value's bit is 1 when `positive`: x > 0 (sentence-transformers, Qdrant), `nonnegative`: x >= 0 (FAISS). */
export type BinaryThreshold = 'positive' | 'nonnegative';

/**
 * How an int8 code is made from the bucket position t = (x - min) / step:
 * `floor`: floor(clamp(t, 0, 255)) - 128, so int8 = uint8 - 128 (sentence-transformers from PR #3847 on);
 * `toward-zero`: trunc(clamp(t - 128, -128, 127)), t - 128 rounded to the working precision first (the int8 codes of
 * sentence-transformers before #3847, saturating instead of wrapping).
 */
export type Int8Rounding = 'floor' | 'toward-zero';

/** What quantizeEmbeddings accepts: float32 / float64 rows, or half bit patterns with `dtype`. */
export type EmbeddingInput = Float32Array | Float64Array | Uint16Array;

/** Per-dimension ranges: `min[d]` and `max[d]` (numpy's `ranges[0]` and `ranges[1]`, shape [2, dim]). */
export interface EmbeddingRanges {
  readonly min: ArrayLike<number>;
  readonly max: ArrayLike<number>;
}

/**
 * `ranges` as quantizeEmbeddings accepts them: `{ min, max }`, a pair `[min, max]` (numpy's `ranges.tolist()`), or
 * one flat array of 2 * dim values (the minima, then the maxima).
 */
export type EmbeddingRangesInput = EmbeddingRanges | readonly [ArrayLike<number>, ArrayLike<number>] | ArrayLike<number>;

export interface QuantizeEmbeddingsOptions {
  /** Values per embedding (required). */
  readonly dim: number;
  readonly precision: EmbeddingPrecision;
  /** The half type of a Uint16Array input (required for one, refused otherwise). */
  readonly dtype?: HalfDType;
  /** int8/uint8: explicit ranges (else `calibration`, else the batch itself). */
  readonly ranges?: EmbeddingRangesInput;
  /** int8/uint8: embeddings whose per-dimension min/max become the ranges (NaN ignored). */
  readonly calibration?: EmbeddingInput;
  /** The half type of a Uint16Array `calibration`. */
  readonly calibrationDType?: HalfDType;
  /** int8 only; default 'floor'. */
  readonly int8Rounding?: Int8Rounding;
  /** binary/ubinary only; default 'msb'. */
  readonly bitOrder?: BitOrder;
  /** binary/ubinary only; default 'positive'. */
  readonly threshold?: BinaryThreshold;
  /** Where the codes go: an Int8Array (int8, binary) or Uint8Array (uint8, ubinary) of rows * bytesPerRow. */
  readonly out?: Int8Array | Uint8Array;
}

interface QuantizedEmbeddingsBase {
  readonly rows: number;
  readonly dim: number;
  /** Bytes of one row in `data`: dim for int8/uint8, ceil(dim / 8) for binary/ubinary. */
  readonly bytesPerRow: number;
}

export interface ScalarQuantizedEmbeddings extends QuantizedEmbeddingsBase {
  readonly precision: ScalarPrecision;
  readonly data: Int8Array | Uint8Array;
  /** The working precision of min, max and steps (float32 for float32 and half inputs). */
  readonly dtype: FloatDType;
  /** The bucket starts: ranges[0], rounded to dtype. */
  readonly min: Float32Array | Float64Array;
  /** ranges[1], rounded to dtype. */
  readonly max: Float32Array | Float64Array;
  /** fl(fl(max - min) / 255) per dimension; 0 for an empty range (min == max). */
  readonly steps: Float32Array | Float64Array;
  /** Present for int8 only. */
  readonly int8Rounding?: Int8Rounding;
}

export interface BinaryQuantizedEmbeddings extends QuantizedEmbeddingsBase {
  readonly precision: BinaryPrecision;
  readonly data: Int8Array | Uint8Array;
  readonly bitOrder: BitOrder;
  readonly threshold: BinaryThreshold;
}

export type QuantizedEmbeddings = ScalarQuantizedEmbeddings | BinaryQuantizedEmbeddings;

/** Scores are compared so: `descending` (similarities: larger is better) or `ascending` (distances). */
export type ScoreOrder = 'ascending' | 'descending';
