import { narrowToHalf, widenHalf } from '../half.js';
import type { AxisLayout, BlockLayout, FloatArray, HalfDType, IntArray, KernelSpec } from '../types.js';
import { dequantizeAxis, dequantizeBlocked } from './dequantize.js';
import { quantizeAxis, quantizeBlocked } from './quantize.js';
import { minMaxAxis, minMaxBlocked } from './reduce.js';

/*
 * Reference per-axis and blocked kernels on half-precision bit patterns (SPEC §12). A tensor is cut into pieces of at
 * most CHUNK consecutive elements, each of which is a layout of its own (one outer slice or fewer, whole channels or
 * blocks where they fit, else parts of one channel, block or row) with a contiguous range of the tensor's groups;
 * each piece is widened exactly into a float32 scratch and handed to the float32 kernel. So these are the float32
 * contract by construction, with no allocation beyond the pieces' small layout objects.
 */

const CHUNK = 4096;
const wide = new Float32Array(CHUNK);
const products = new Float64Array(CHUNK);
const pieceMin = new Float64Array(CHUNK);
const pieceMax = new Float64Array(CHUNK);

/** A piece: elements [start, start + length), its own layout, and its groups [group, group + groups) of the tensor's. */
type Visit<L> = (start: number, length: number, layout: L, group: number, groups: number) => void;

/** The pieces of a per-axis layout, in element order. */
function axisPieces(layout: AxisLayout, visit: Visit<AxisLayout>): void {
  const { outer, channels, inner } = layout;
  const slice = channels * inner;
  if (slice <= CHUNK) {
    // Whole outer slices: every piece has all the channels.
    const per = Math.floor(CHUNK / slice);
    for (let o = 0; o < outer; o += per) {
      const n = Math.min(per, outer - o);
      visit(o * slice, n * slice, { outer: n, channels, inner }, 0, channels);
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    if (inner <= CHUNK) {
      const per = Math.floor(CHUNK / inner);
      for (let c = 0; c < channels; c += per) {
        const n = Math.min(per, channels - c);
        visit(o * slice + c * inner, n * inner, { outer: 1, channels: n, inner }, c, n);
      }
      continue;
    }
    // A channel's run of `inner` elements is longer than a piece: parts of it, each one channel.
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < inner; i += CHUNK) {
        const n = Math.min(CHUNK, inner - i);
        visit(o * slice + c * inner + i, n, { outer: 1, channels: 1, inner: n }, c, 1);
      }
    }
  }
}

/** The pieces of a blocked layout, in element order. */
function blockPieces(layout: BlockLayout, visit: Visit<BlockLayout>): void {
  const { outer, dim, inner, blockSize } = layout;
  const blocks = Math.ceil(dim / blockSize);
  const slice = dim * inner;
  if (slice <= CHUNK) {
    const per = Math.floor(CHUNK / slice);
    for (let o = 0; o < outer; o += per) {
      const n = Math.min(per, outer - o);
      visit(o * slice, n * slice, { outer: n, dim, inner, blockSize }, o * blocks * inner, n * blocks * inner);
    }
    return;
  }
  const block = blockSize * inner;
  for (let o = 0; o < outer; o++) {
    if (block <= CHUNK) {
      // Whole blocks of one slice.
      const per = Math.floor(CHUNK / block);
      for (let b = 0; b < blocks; b += per) {
        const n = Math.min(per, blocks - b);
        const rows = Math.min(dim, (b + n) * blockSize) - b * blockSize;
        visit((o * dim + b * blockSize) * inner, rows * inner, { outer: 1, dim: rows, inner, blockSize }, (o * blocks + b) * inner, n * inner);
      }
      continue;
    }
    for (let b = 0; b < blocks; b++) {
      const group = (o * blocks + b) * inner;
      const end = Math.min(dim, (b + 1) * blockSize);
      if (inner <= CHUNK) {
        // Rows of one block: one block of their own, with the block's `inner` groups.
        const per = Math.floor(CHUNK / inner);
        for (let d = b * blockSize; d < end; d += per) {
          const rows = Math.min(per, end - d);
          visit((o * dim + d) * inner, rows * inner, { outer: 1, dim: rows, inner, blockSize: rows }, group, inner);
        }
        continue;
      }
      // A row is longer than a piece: parts of it, element i of a part in group group + (its index in the row).
      for (let d = b * blockSize; d < end; d++) {
        for (let i = 0; i < inner; i += CHUNK) {
          const n = Math.min(CHUNK, inner - i);
          visit((o * dim + d) * inner + i, n, { outer: 1, dim: 1, inner: n, blockSize: 1 }, group + i, n);
        }
      }
    }
  }
}

function quantizePieces<L>(
  pieces: (layout: L, visit: Visit<L>) => void,
  kernel: (x: FloatArray, scales: FloatArray, zeroPoints: Int32Array, layout: L, spec: KernelSpec, out: IntArray) => void,
  x: Uint16Array, dtype: HalfDType, scales: FloatArray, zeroPoints: Int32Array, layout: L, spec: KernelSpec, out: IntArray,
): void {
  if (x.length === 0) return;
  pieces(layout, (start, length, piece, group, groups) => {
    widenHalf(x, dtype, start, start + length, wide);
    kernel(wide.subarray(0, length), scales.subarray(group, group + groups), zeroPoints.subarray(group, group + groups), piece, spec, out.subarray(start, start + length));
  });
}

function dequantizePieces<L>(
  pieces: (layout: L, visit: Visit<L>) => void,
  kernel: (q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: L, out: FloatArray) => void,
  q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: L, dtype: HalfDType, out: Uint16Array,
): void {
  if (q.length === 0) return;
  pieces(layout, (start, length, piece, group, groups) => {
    const p = products.subarray(0, length);
    kernel(q.subarray(start, start + length), scales.subarray(group, group + groups), zeroPoints.subarray(group, group + groups), piece, p);
    narrowToHalf(p, dtype, out.subarray(start, start + length));
  });
}

/** Group min/max: each piece's, folded into the groups it covers (pieces come in element order, as the fold needs). */
function minMaxPieces<L>(
  pieces: (layout: L, visit: Visit<L>) => void,
  kernel: (x: FloatArray, layout: L, outMin: Float64Array, outMax: Float64Array) => void,
  x: Uint16Array, dtype: HalfDType, layout: L, groups: number, outMin: Float64Array, outMax: Float64Array,
): void {
  outMin.fill(Infinity, 0, groups);
  outMax.fill(-Infinity, 0, groups);
  if (x.length === 0) return;
  pieces(layout, (start, length, piece, group, count) => {
    widenHalf(x, dtype, start, start + length, wide);
    kernel(wide.subarray(0, length), piece, pieceMin, pieceMax);
    for (let i = 0; i < count; i++) {
      if (pieceMin[i]! < outMin[group + i]!) outMin[group + i] = pieceMin[i]!;
      if (pieceMax[i]! > outMax[group + i]!) outMax[group + i] = pieceMax[i]!;
    }
  });
}

export function quantizeAxisHalf(x: Uint16Array, dtype: HalfDType, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, spec: KernelSpec, out: IntArray): void {
  quantizePieces(axisPieces, quantizeAxis, x, dtype, scales, zeroPoints, layout, spec, out);
}

export function quantizeBlockedHalf(x: Uint16Array, dtype: HalfDType, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, spec: KernelSpec, out: IntArray): void {
  quantizePieces(blockPieces, quantizeBlocked, x, dtype, scales, zeroPoints, layout, spec, out);
}

export function dequantizeAxisHalf(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: AxisLayout, dtype: HalfDType, out: Uint16Array): void {
  dequantizePieces(axisPieces, dequantizeAxis, q, scales, zeroPoints, layout, dtype, out);
}

export function dequantizeBlockedHalf(q: IntArray, scales: FloatArray, zeroPoints: Int32Array, layout: BlockLayout, dtype: HalfDType, out: Uint16Array): void {
  dequantizePieces(blockPieces, dequantizeBlocked, q, scales, zeroPoints, layout, dtype, out);
}

export function minMaxAxisHalf(x: Uint16Array, dtype: HalfDType, layout: AxisLayout, outMin: Float64Array, outMax: Float64Array): void {
  minMaxPieces(axisPieces, minMaxAxis, x, dtype, layout, layout.channels, outMin, outMax);
}

export function minMaxBlockedHalf(x: Uint16Array, dtype: HalfDType, layout: BlockLayout, outMin: Float64Array, outMax: Float64Array): void {
  const groups = layout.outer * Math.ceil(layout.dim / layout.blockSize) * layout.inner;
  minMaxPieces(blockPieces, minMaxBlocked, x, dtype, layout, groups, outMin, outMax);
}
