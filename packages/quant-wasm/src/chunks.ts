import { ERROR_BLOCK, GGML_FORMATS, type GgmlFormat, type KernelName } from '@quantkit/quant-core';

/*
 * How a call is cut so that its copies through linear memory stay small (a 1 GiB input never needs 1 GiB of module
 * memory): the call's work is `items` items (elements, rows of a layout, GGML blocks, embedding rows, groups of 8
 * codes), each array argument either holds `per` elements per item (split: each chunk copies its slice in or out) or
 * is whole (copied in once before the first chunk and out once after the last: scales of a per-axis layout,
 * histogram counts, a query). Chunks are whole items, `align` items at a time, so each chunk call computes exactly
 * what the one call over everything computes (docs/WASM.md lists why each cut is exact). Kernels that cannot be cut
 * (per-axis min/max, whose groups span every row, and top-k) run as one call with every array copied whole.
 */
export interface ChunkPlan {
  /** Items of the call. */
  readonly items: number;
  /** Elements of each array argument per item (in the kernel's array order); 0: the array is whole. */
  readonly per: readonly number[];
  /** Chunks hold a multiple of this many items. */
  readonly align: number;
  /** The layout slot `outer` is the chunk's item count (row-split layouts). */
  readonly outer: boolean;
}

type Args = readonly unknown[];
const len = (a: unknown): number => (a as ArrayLike<unknown>).length;
const layoutOf = (a: unknown) => a as { outer: number; inner: number; channels?: number; dim?: number; blockSize?: number };

function rows(layout: unknown, perRow: (l: ReturnType<typeof layoutOf>) => number[]): ChunkPlan {
  const l = layoutOf(layout);
  return { items: rowElements(l) === 0 ? 0 : l.outer, per: perRow(l), align: 1, outer: true };
}
const rowElements = (l: ReturnType<typeof layoutOf>): number => (l.channels ?? l.dim!) * l.inner;
const blockGroups = (l: ReturnType<typeof layoutOf>): number => Math.ceil(l.dim! / l.blockSize!) * l.inner;
const whole = (arrays: number): ChunkPlan => ({ items: 1, per: new Array<number>(arrays).fill(0), align: 1, outer: false });
const elements = (n: number, per: number[], align = 1): ChunkPlan => ({ items: n, per, align, outer: false });
const bitsPerGroup = (bits: unknown): number => Number(bits); // 8 codes of `bits` bits are `bits` bytes

/** The chunk plan of one call of `name` with arguments `a` (validated by the caller). */
export function chunkPlan(name: KernelName, a: Args): ChunkPlan {
  switch (name) {
    case 'quantizeTensor':
    case 'dequantizeTensor':
      return elements(len(a[0]), [1, 1]);
    case 'quantizeTensorHalf':
      return elements(len(a[0]), [1, 1]);
    case 'dequantizeTensorHalf':
      return elements(len(a[0]), [1, 1]);
    case 'fakeQuantizeTensor':
      return elements(len(a[0]), [1, 1], ERROR_BLOCK);
    case 'fakeQuantizeTensorValues':
      return elements(len(a[0]), [1, 1]);
    case 'minMax':
    case 'absMax':
    case 'minMaxHalf':
      return elements(len(a[0]), [1]);
    case 'quantizeAxis':
    case 'quantizeAxisHalf':
      return rows(a[name === 'quantizeAxis' ? 3 : 4], (l) => [rowElements(l), 0, 0, rowElements(l)]);
    case 'quantizeBlocked':
    case 'quantizeBlockedHalf':
      return rows(a[name === 'quantizeBlocked' ? 3 : 4], (l) => [rowElements(l), blockGroups(l), blockGroups(l), rowElements(l)]);
    case 'quantizeBlockedMinMax':
      return rows(a[1], (l) => [rowElements(l), blockGroups(l), blockGroups(l), rowElements(l)]);
    case 'dequantizeAxis':
    case 'dequantizeAxisHalf':
      return rows(a[3], (l) => [rowElements(l), 0, 0, rowElements(l)]);
    case 'dequantizeBlocked':
    case 'dequantizeBlockedHalf':
      return rows(a[3], (l) => [rowElements(l), blockGroups(l), blockGroups(l), rowElements(l)]);
    case 'minMaxBlocked':
    case 'minMaxBlockedHalf':
      return rows(a[name === 'minMaxBlocked' ? 1 : 2], (l) => [rowElements(l), blockGroups(l), blockGroups(l)]);
    case 'minMaxAxis':
    case 'minMaxAxisHalf':
      return whole(3);
    case 'pack':
      return elements(Math.ceil(len(a[0]) / 8), [8, bitsPerGroup(a[1])]);
    case 'unpack':
      return elements(Math.ceil(len(a[3]) / 8), [bitsPerGroup(a[1]), 8]);
    case 'histogram':
    case 'absHistogram':
    case 'histogramHalf':
    case 'absHistogramHalf':
      return elements(len(a[0]), [1, 0]);
    case 'ggmlQuantize': {
      const f = GGML_FORMATS[a[1] as GgmlFormat];
      return elements(len(a[0]) / f.blockSize, [f.blockSize, f.bytesPerBlock]);
    }
    case 'ggmlQuantizeHalf': {
      const f = GGML_FORMATS[a[2] as GgmlFormat];
      return elements(len(a[0]) / f.blockSize, [f.blockSize, f.bytesPerBlock]);
    }
    case 'ggmlDequantize': {
      const f = GGML_FORMATS[a[1] as GgmlFormat];
      return elements(len(a[2]) / f.blockSize, [f.bytesPerBlock, f.blockSize]);
    }
    case 'quantizeEmbeddingRows': {
      const dim = a[1] as number;
      return elements(len(a[0]) / dim, [dim, 0, 0, dim]);
    }
    case 'packBinaryRows': {
      const dim = a[1] as number;
      return elements(len(a[0]) / dim, [dim, Math.ceil(dim / 8)]);
    }
    case 'hammingScan':
    case 'dotScanInt8':
    case 'dotScanUint8':
    case 'l2ScanInt8':
    case 'l2ScanUint8':
    case 'dotScanFloat':
    case 'l2ScanFloat': {
      const row = a[2] as number;
      return elements(len(a[1]) / row, [0, row, 1]);
    }
    case 'dotScanAsymmetric':
    case 'l2ScanAsymmetric': {
      const dim = a[4] as number;
      return elements(len(a[1]) / dim, [0, dim, 0, 0, 1]);
    }
    case 'topKKernel':
      return whole(2);
  }
}
