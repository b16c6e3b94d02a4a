import { createQuantizer, narrowToHalf } from '@quantkit/quant';
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
}

/** A Float32Array of its own for n values, or a view of `scratch` (grown as needed) when one is given. */
function floatsFor(n: number, scratch: { buffer: Float32Array } | undefined): Float32Array {
  if (scratch === undefined) return new Float32Array(n);
  if (scratch.buffer.length < n) scratch.buffer = new Float32Array(n);
  return scratch.buffer.subarray(0, n);
}

/**
 * F32, F16 or BF16 bytes (little-endian, from a buffer of its own at offset 0) as float32 values: F32 viewed in place,
 * a half type widened into a new array, or into `scratch` when the values are only needed until the next call.
 */
export function decodeFloats(bytes: Uint8Array, sourceTypeId: number, scratch?: { buffer: Float32Array }): Float32Array {
  if (sourceTypeId === GGML_TYPE.F32) return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const half = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  const out = floatsFor(half.length, scratch);
  widenHalfPairs(half, sourceTypeId === GGML_TYPE.F16 ? 'float16' : 'bfloat16', out);
  return out;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * One native thread per call: the parallelism is the chunk encoder's (its worker threads, as many as `threads` says),
 * so `threads: 1` is one thread and N workers do not each start the addon's own threads.
 */
const oneThread = createQuantizer({ threads: 1 });

/**
 * The widened values of the chunk being quantized, kept from one chunk to the next: a fresh 4 MiB array per chunk
 * costs its page faults and zeroing, and the garbage collections that many large buffers bring.
 */
const scratch = { buffer: new Float32Array(0) };

/**
 * The rows in the target type: decoded to float32 (on the encoding thread), then GGML blocks by quantizeBlocks
 * (bit-exact with ggml), or a float type rounded to nearest even.
 */
export function encodeChunk(job: ChunkJob): Uint8Array {
  const { targetTypeId } = job;
  const format = blockFormatOf(targetTypeId);
  if (format !== undefined) {
    const x = decodeFloats(job.bytes, job.sourceTypeId, scratch);
    return oneThread.quantizeBlocks(x, { format, shape: [job.rows, job.rowLength] }).data;
  }
  const x = decodeFloats(job.bytes, job.sourceTypeId);
  if (targetTypeId === GGML_TYPE.F32) return bytesOf(x);
  if (targetTypeId !== GGML_TYPE.F16 && targetTypeId !== GGML_TYPE.BF16) throw new Error(`cannot encode ${ggmlTypeName(targetTypeId)}`);
  const out = new Uint16Array(x.length);
  narrowToHalf(Float64Array.from(x), targetTypeId === GGML_TYPE.F16 ? 'float16' : 'bfloat16', out);
  return bytesOf(out);
}
