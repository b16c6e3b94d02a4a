import { GGML_FORMAT_NAMES, GGML_FORMATS, numberToBfloat16, numberToFloat16, referenceBackend, widenHalf, type Backend, type GgmlFormat, type HalfDType } from '@quantkit/quant-core';
import { diffArrays } from '../compare.js';
import { deriveSeed, Rng } from '../random.js';
import { Tally, type Check } from '../types.js';

/*
 * GGML blocks of half-precision data (issue 16, SPEC §12): ggmlQuantizeHalf(x, dtype, format, out) must write exactly
 * the bytes the reference's float32 ggmlQuantize writes for the exact float32 widening of x, and return the same -1 or
 * index of the first NaN / ±Infinity (the expected side never runs a half kernel). Every format, float16 and bfloat16;
 * random finite data (values rounded to the type, and raw finite bit patterns: subnormals and the largest magnitudes),
 * edge blocks (±0, subnormals only, ±max finite, one large value among tiny ones), lengths from one block to past the
 * reference's 4096-element and the native jobs' 65536-element chunks, inputs and outputs at odd offsets, and NaN / ±Inf
 * placed before, at and after chunk boundaries.
 */

const SEED = 0x9a11_f16b;
const TYPES: readonly HalfDType[] = ['float16', 'bfloat16'];
/** Lengths in 256-element super-blocks (every format's block size divides 256): across 2048 / 4096 / 65536 boundaries. */
const SUPER_BLOCKS = [1, 3, 17, 260];

const roundTo = (dtype: HalfDType): ((v: number) => number) => (dtype === 'float16' ? numberToFloat16 : numberToBfloat16);
/** The largest finite magnitude's pattern and the exponent field of Inf / NaN. */
const MAX_FINITE: Readonly<Record<HalfDType, number>> = { float16: 0x7bff, bfloat16: 0x7f7f };
const isFinitePattern = (bits: number, dtype: HalfDType): boolean => (bits & 0x7fff) <= MAX_FINITE[dtype];

/** n finite half values at a random element offset: one block style per 32 elements (a q*_0 block, part of a super-block). */
function finiteHalves(rng: Rng, dtype: HalfDType, n: number): Uint16Array {
  const off = rng.int(0, 3);
  const x = new Uint16Array(n + off).subarray(off);
  const round = roundTo(dtype);
  const max = MAX_FINITE[dtype];
  for (let b = 0; b < n; b += 32) {
    const style = rng.int(0, 9);
    const scale = 2 ** rng.int(-20, 12);
    for (let i = b; i < b + 32; i++) {
      let v: number;
      switch (style) {
        case 0: v = rng.next() < 0.5 ? 0 : 0x8000; break;                      // ±0
        case 1: v = rng.int(0, 0x7f) | (rng.next() < 0.5 ? 0x8000 : 0); break;  // subnormals (and zeros)
        case 2: v = (rng.next() < 0.3 ? max : rng.int(0, max)) | (rng.next() < 0.5 ? 0x8000 : 0); break; // raw finite patterns, max included
        case 3: v = i === b + rng.int(0, 31) ? max : round((rng.next() - 0.5) * 2 ** -10); break; // one huge among tiny
        case 4: v = round(scale * Math.round((rng.next() - 0.5) * 16)); break;  // few distinct values (ties in the searches)
        default: v = round((rng.next() - 0.5) * 2 * scale);
      }
      x[i] = v;
    }
  }
  return x;
}

function runCase(backend: Backend, tally: Tally, label: string, x: Uint16Array, dtype: HalfDType, format: GgmlFormat, rng: Rng): void {
  tally.guard(label, () => {
    const wide = new Float32Array(x.length);
    widenHalf(x, dtype, 0, x.length, wide);
    const bytes = (x.length / GGML_FORMATS[format].blockSize) * GGML_FORMATS[format].bytesPerBlock;
    const expected = new Uint8Array(bytes);
    const wantBad = referenceBackend.ggmlQuantize(wide, format, expected);
    const off = rng.int(0, 5);
    const actual = new Uint8Array(bytes + off).subarray(off);
    const bad = backend.ggmlQuantizeHalf(x, dtype, format, actual);
    if (bad !== wantBad) return [`returned ${bad}, expected ${wantBad}${wantBad >= 0 ? ` (x[${wantBad}] = ${wide[wantBad]})` : ''}`];
    if (wantBad >= 0) return [];  // the outputs are unspecified after a non-finite element
    const d = diffArrays('blocks', expected, Uint8Array.from(actual));
    return d === undefined ? [] : [d];
  });
}

/** x with NaN / ±Inf patterns placed at random, one of them right after a chunk boundary when x is long enough. */
function withNonFinite(rng: Rng, x: Uint16Array, dtype: HalfDType): Uint16Array {
  const y = x.slice();
  const specials = dtype === 'float16' ? [0x7c00, 0xfc00, 0x7e00, 0xfc01, 0x7d55] : [0x7f80, 0xff80, 0x7fc0, 0xff81, 0x7fa5];
  const boundaries = [2048, 4096, 65536].filter((b) => b < y.length);
  const at = boundaries.length > 0 && rng.next() < 0.5 ? boundaries[rng.int(0, boundaries.length - 1)]! + rng.int(-1, 1) : rng.int(0, y.length - 1);
  y[at] = specials[rng.int(0, specials.length - 1)]!;
  for (let k = rng.int(0, 2); k > 0; k--) y[rng.int(at, y.length - 1)] = specials[rng.int(0, specials.length - 1)]!;
  return y;
}

export function ggmlHalfChecks(): Check[] {
  const run = (backend: Backend) => {
    const tally = new Tally();
    const missing = backend.capabilities.ggml === true ? undefined : 'no GGML kernels (capabilities.ggml)';
    for (const format of GGML_FORMAT_NAMES) {
      for (const dtype of TYPES) {
        for (const superBlocks of SUPER_BLOCKS) {
          // The longest length runs for one type per format (the reference K-quants take ~1 s per million elements).
          if (superBlocks === SUPER_BLOCKS[SUPER_BLOCKS.length - 1] && (GGML_FORMAT_NAMES.indexOf(format) + TYPES.indexOf(dtype)) % 2 === 1) continue;
          for (const kind of ['finite', 'non-finite'] as const) {
            const label = `ggmlQuantizeHalf ${format} ${dtype}[${superBlocks * 256}] ${kind}`;
            if (missing !== undefined) {
              tally.skip(missing);
              continue;
            }
            const rng = new Rng(deriveSeed(SEED, label));
            const finite = finiteHalves(rng, dtype, superBlocks * 256);
            for (let j = 0; j < finite.length; j++) if (!isFinitePattern(finite[j]!, dtype)) throw new Error(`${label}: a non-finite pattern in the finite data`);
            runCase(backend, tally, label, kind === 'finite' ? finite : withNonFinite(rng, finite, dtype), dtype, format, rng);
          }
        }
      }
    }
    return tally.result();
  };
  return [{ family: 'ggml-half', name: 'ggmlQuantizeHalf writes the blocks (and returns the bad index) of the exact float32 widening', run }];
}
