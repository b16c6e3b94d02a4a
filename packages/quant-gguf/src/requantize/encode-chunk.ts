import { createQuantizer, ggmlRowBytes, narrowToHalf, type GgmlFormat, type GgmlQuantizeOptions, type Quantizer } from '@quantkit/quant';
import { GGML_TYPE, ggmlTypeName } from '../format/ggml-types.js';
import { blockFormatOf } from './target-types.js';
import { widenHalfPairs } from './widen-pairs.js';

/** Whole rows of one tensor, as read (F32, F16 or BF16 bytes), to be written as `targetTypeId`. */
export interface ChunkJob {
  /** The rows' bytes, owning their buffer whole from offset 0 (a pool of worker threads transfers it). */
  readonly bytes: Uint8Array;
  readonly sourceTypeId: number;
  readonly rows: number;
  readonly rowLength: number;
  readonly targetTypeId: number;
  /** Where the blocks go, when the target is a GGML block format: exactly their size (else new memory). */
  readonly out?: Uint8Array;
}

/**
 * F32, F16 or BF16 bytes (little-endian, from a buffer of its own at offset 0) as float32 values: F32 viewed in place,
 * a half type widened into a new array (the float targets; block targets take the half rows as they are).
 */
export function decodeFloats(bytes: Uint8Array, sourceTypeId: number): Float32Array {
  if (sourceTypeId === GGML_TYPE.F32) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const half = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  const out = new Float32Array(half.length);
  widenHalfPairs(half, sourceTypeId === GGML_TYPE.F16 ? 'float16' : 'bfloat16', out);
  return out;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * One native thread per call of encodeChunk: the parallelism is the chunk encoder's (chunk-encoder.ts), so
 * `threads: 1` is one thread and N worker threads do not each start the addon's own threads.
 */
const oneThread = createQuantizer({ threads: 1 });

/** The quantizeBlocks arguments of a chunk whose target is a GGML block format: float32 values or half bit patterns. */
function blockArgs(job: ChunkJob, format: GgmlFormat): [Float32Array | Uint16Array, GgmlQuantizeOptions] {
  const common = { format, shape: [job.rows, job.rowLength], ...(job.out !== undefined ? { out: job.out } : {}) };
  if (job.sourceTypeId === GGML_TYPE.F32) return [decodeFloats(job.bytes, GGML_TYPE.F32), common];
  const half = new Uint16Array(job.bytes.buffer, job.bytes.byteOffset, job.bytes.length / 2);
  return [half, { ...common, dtype: job.sourceTypeId === GGML_TYPE.F16 ? 'float16' : 'bfloat16' }];
}

/** The size of a chunk's output when its target is a GGML block format, else undefined (the size of a new array). */
export function blockBytesOf(job: Pick<ChunkJob, 'rows' | 'rowLength' | 'targetTypeId'>): number | undefined {
  const format = blockFormatOf(job.targetTypeId);
  return format === undefined ? undefined : ggmlRowBytes(format, job.rows * job.rowLength);
}

/**
 * The rows in the target type: GGML blocks by quantizeBlocks (bit-exact with ggml), F16 / BF16 rows passed as their bit
 * patterns (the kernels widen a few KiB at a time: no float32 copy of the chunk), or a float type rounded to nearest
 * even from the rows decoded to float32.
 */
export function encodeChunk(job: ChunkJob): Uint8Array {
  const { targetTypeId } = job;
  const format = blockFormatOf(targetTypeId);
  if (format !== undefined) return oneThread.quantizeBlocks(...blockArgs(job, format)).data;
  const x = decodeFloats(job.bytes, job.sourceTypeId);
  if (targetTypeId === GGML_TYPE.F32) return bytesOf(x);
  if (targetTypeId !== GGML_TYPE.F16 && targetTypeId !== GGML_TYPE.BF16) throw new Error(`cannot encode ${ggmlTypeName(targetTypeId)}`);
  const out = new Uint16Array(x.length);
  narrowToHalf(Float64Array.from(x), targetTypeId === GGML_TYPE.F16 ? 'float16' : 'bfloat16', out);
  return bytesOf(out);
}

/**
 * encodeChunk with the GGML blocks computed by `quantizer`'s async kernels (on the native backend: its own threads, as
 * many as the quantizer was created with, while this thread goes on reading); float targets as encodeChunk.
 */
export async function encodeChunkAsync(job: ChunkJob, quantizer: Quantizer): Promise<Uint8Array> {
  const format = blockFormatOf(job.targetTypeId);
  if (format === undefined) return encodeChunk(job);
  return (await quantizer.quantizeBlocksAsync(...blockArgs(job, format))).data;
}
