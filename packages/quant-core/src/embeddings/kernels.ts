import type { KernelSignatures } from '../kernel-table.js';
import { dotScanAsymmetric, l2ScanAsymmetric } from './asymmetric-scan.js';
import { dotScanFloat, l2ScanFloat } from './float-scan.js';
import { hammingScan } from './hamming.js';
import { dotScanInt8, dotScanUint8, l2ScanInt8, l2ScanUint8 } from './integer-scan.js';
import { packBinaryRows } from './pack-binary.js';
import { quantizeEmbeddingRows } from './quantize-rows.js';
import { topKKernel } from './top-k.js';

/* The embedding kernels of the kernel table: what quantizeEmbeddings and the search functions call on a backend. */

export type EmbeddingKernelName =
  | 'quantizeEmbeddingRows'
  | 'packBinaryRows'
  | 'hammingScan'
  | 'dotScanInt8'
  | 'dotScanUint8'
  | 'l2ScanInt8'
  | 'l2ScanUint8'
  | 'dotScanAsymmetric'
  | 'l2ScanAsymmetric'
  | 'dotScanFloat'
  | 'l2ScanFloat'
  | 'topKKernel';

export type EmbeddingKernels = Pick<KernelSignatures, EmbeddingKernelName>;

/** The reference's (src/embeddings/*.ts). */
export const REFERENCE_EMBEDDING_KERNELS: EmbeddingKernels = Object.freeze({
  quantizeEmbeddingRows,
  packBinaryRows,
  hammingScan,
  dotScanInt8,
  dotScanUint8,
  l2ScanInt8,
  l2ScanUint8,
  dotScanAsymmetric,
  l2ScanAsymmetric,
  dotScanFloat,
  l2ScanFloat,
  topKKernel,
});
