import type { FloatDtype } from '../formats/dtypes.js';
import { elementCount } from '../formats/tensor-source.js';
import { GGML_FORMATS, type GgmlFormat, type Granularity, type Scheme } from '../lib.js';

/*
 * What a candidate costs on disk, in bits, as quant quantize writes it (docs/FORMAT.md): the codes (2- and 4-bit codes
 * packed, as --packed stores them; other widths in 8- or 16-bit integers), and per group one scale (F32 for F32
 * originals, F64 for F64, F16 / BF16 for half originals) and one zero point (the unpacked code width, stored for
 * symmetric too). The safetensors header and metadata (a few hundred bytes a tensor) are left out. A GGML format costs
 * its blocks' bytes.
 */

/** 2- and 4-bit codes can be packed (and are counted packed); other widths fill an 8- or 16-bit integer. */
export function packable(bits: number): boolean {
  return bits === 2 || bits === 4;
}

const SCALE_BITS: Readonly<Record<FloatDtype, number>> = { F32: 32, F64: 64, F16: 16, BF16: 16 };

/** Number of scale / zero point pairs of a granularity on a tensor of this shape. */
export function groupCount(granularity: Granularity, shape: readonly number[]): number {
  if (granularity === 'tensor') return 1;
  const dim = shape[granularity.axis]!;
  if (!('blockSize' in granularity)) return dim;
  const others = dim === 0 ? 0 : elementCount(shape) / dim;
  return others * Math.ceil(dim / granularity.blockSize);
}

export interface QuantkitLayout {
  readonly scheme: Scheme;
  readonly bits: number;
  readonly granularity: Granularity;
}

export function quantkitStoredBits(c: QuantkitLayout, shape: readonly number[], dtype: FloatDtype): number {
  const count = elementCount(shape);
  const container = c.bits <= 8 ? 8 : 16;
  const codes = packable(c.bits) ? Math.ceil((count * c.bits) / 8) * 8 : count * container;
  return codes + groupCount(c.granularity, shape) * (SCALE_BITS[dtype] + container);
}

export function ggmlStoredBits(format: GgmlFormat, shape: readonly number[]): number {
  const info = GGML_FORMATS[format];
  return (elementCount(shape) / info.blockSize) * info.bytesPerBlock * 8;
}
