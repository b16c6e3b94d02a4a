import { GgufError } from '../errors.js';
import { ggmlTypeInfo } from '../format/ggml-types.js';
import type { GgufReader } from '../read/gguf-reader.js';
import type { GgufWriter } from '../write/gguf-writer.js';
import type { ChunkEncoder } from './chunk-encoder.js';
import type { ChunkPipeline } from './chunk-pipeline.js';
import type { TensorPlan } from './plan-types.js';

/**
 * Elements per chunk (8 MiB as float32): memory stays bounded by a few chunks, whatever the tensor's size. Each chunk
 * costs a read, a kernel call and a write beside its work: on the 1 GiB model of `pnpm bench:cli`, two native threads
 * took 2.09 s with chunks of 1M elements and 2.01 s with 2M (medians of 5 interleaved runs), 2.4 s with 512K.
 */
const CHUNK_ELEMENTS = 2 << 20;
/** Bytes per read when copying. */
const COPY_BYTES = 8 << 20;

export interface StreamContext {
  readonly reader: GgufReader;
  readonly writer: GgufWriter;
  readonly encoder: ChunkEncoder;
  /** Encoded chunks in flight, written in order; shared by every tensor of the run. */
  readonly pipeline: ChunkPipeline;
  readonly signal: AbortSignal | undefined;
  /** Called with the input bytes just written. */
  readonly advance: (bytes: number) => void;
  /** Called once the tensor's last bytes are written. */
  readonly tensorDone: () => void;
}

function checkAborted(signal: AbortSignal | undefined, tensor: string): void {
  if (signal?.aborted) throw new GgufError('E_GGUF_ABORTED', 'aborted', { tensor }, { cause: signal.reason });
}

/**
 * Copies the tensor's bytes, queued in the pipeline behind the chunks still being encoded: the encoders are not left
 * idle while the pipeline drains for a small tensor (a llama model has two 1-D norms a layer).
 */
async function copyTensor(ctx: StreamContext, plan: TensorPlan): Promise<void> {
  const t = plan.tensor;
  if (t.byteLength === 0) {
    await ctx.pipeline.drain();
    ctx.tensorDone();
    return;
  }
  for (let start = 0; start < t.byteLength; start += COPY_BYTES) {
    checkAborted(ctx.signal, t.name);
    const bytes = await ctx.reader.readTensorBytes(t, start, Math.min(COPY_BYTES, t.byteLength - start));
    const last = start + bytes.length >= t.byteLength;
    await ctx.pipeline.push(Promise.resolve(bytes), t.name, () => {
      ctx.advance(bytes.length);
      if (last) ctx.tensorDone();
    });
  }
}

/**
 * Reads whole rows a chunk at a time and queues them for encoding in the pipeline, which writes the results in order:
 * a tensor is never whole in memory. Returns once its last chunk is queued; the pipeline writes it later, while the
 * encoders start on the next tensor.
 */
async function encodeTensor(ctx: StreamContext, plan: TensorPlan): Promise<void> {
  const t = plan.tensor;
  const rowLength = t.shape[0] ?? 1;
  if (t.elements === 0) {
    await ctx.pipeline.drain();
    ctx.tensorDone();
    return;
  }
  const rows = t.elements / rowLength;
  const rowBytes = rowLength * ggmlTypeInfo(t.typeId)!.typeSize;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength));
  for (let row = 0; row < rows; row += rowsPerChunk) {
    checkAborted(ctx.signal, t.name);
    const n = Math.min(rowsPerChunk, rows - row);
    const bytes = await ctx.reader.readTensorBytes(t, row * rowBytes, n * rowBytes, ctx.encoder.buffer(n * rowBytes));
    const bytesIn = bytes.length; // the bytes themselves may move to a worker thread
    const promise = ctx.encoder.encode({ bytes, sourceTypeId: t.typeId, rows: n, rowLength, targetTypeId: plan.targetTypeId });
    const last = row + n >= rows;
    await ctx.pipeline.push(promise, t.name, (data) => {
      ctx.encoder.release(data);
      ctx.advance(bytesIn);
      if (last) ctx.tensorDone();
    });
  }
}

export function streamTensor(ctx: StreamContext, plan: TensorPlan): Promise<void> {
  return plan.action === 'copy' ? copyTensor(ctx, plan) : encodeTensor(ctx, plan);
}
