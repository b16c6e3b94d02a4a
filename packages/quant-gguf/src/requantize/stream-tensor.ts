import { GgufError } from '../errors.js';
import { ggmlTypeInfo } from '../format/ggml-types.js';
import type { GgufReader } from '../read/gguf-reader.js';
import type { GgufWriter } from '../write/gguf-writer.js';
import type { ChunkEncoder } from './chunk-encoder.js';
import type { TensorPlan } from './plan-types.js';

/** Float32 elements per chunk (4 MiB): memory stays bounded by a few chunks, whatever the tensor's size. */
const CHUNK_ELEMENTS = 1 << 20;
/** Bytes per read when copying. */
const COPY_BYTES = 8 << 20;

export interface StreamContext {
  readonly reader: GgufReader;
  readonly writer: GgufWriter;
  readonly encoder: ChunkEncoder;
  readonly signal: AbortSignal | undefined;
  /** Called with the input bytes just done. */
  readonly advance: (bytes: number) => void;
}

function checkAborted(signal: AbortSignal | undefined, tensor: string): void {
  if (signal?.aborted) throw new GgufError('E_GGUF_ABORTED', 'aborted', { tensor }, { cause: signal.reason });
}

async function copyTensor(ctx: StreamContext, plan: TensorPlan): Promise<void> {
  const t = plan.tensor;
  for (let start = 0; start < t.byteLength; start += COPY_BYTES) {
    checkAborted(ctx.signal, t.name);
    const bytes = await ctx.reader.readTensorBytes(t, start, Math.min(COPY_BYTES, t.byteLength - start));
    await ctx.writer.write(bytes);
    ctx.advance(bytes.length);
  }
}

/**
 * Reads whole rows a chunk at a time, encodes them (encoder.parallelism + 1 chunks in flight: every encoder busy and
 * the next chunk read and queued) and writes the results in order: a tensor is never whole in memory.
 */
async function encodeTensor(ctx: StreamContext, plan: TensorPlan): Promise<void> {
  const t = plan.tensor;
  const rowLength = t.shape[0] ?? 1;
  if (t.elements === 0) return;
  const rows = t.elements / rowLength;
  const rowBytes = rowLength * ggmlTypeInfo(t.typeId)!.typeSize;
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / rowLength));
  const inFlight: { promise: Promise<Uint8Array>; bytesIn: number }[] = [];
  const drainOne = async (): Promise<void> => {
    const { promise, bytesIn } = inFlight.shift()!;
    await ctx.writer.write(await promise);
    ctx.advance(bytesIn);
  };
  try {
    for (let row = 0; row < rows; row += rowsPerChunk) {
      checkAborted(ctx.signal, t.name);
      const n = Math.min(rowsPerChunk, rows - row);
      const bytes = await ctx.reader.readTensorBytes(t, row * rowBytes, n * rowBytes);
      const promise = ctx.encoder.encode({ bytes, sourceTypeId: t.typeId, rows: n, rowLength, targetTypeId: plan.targetTypeId });
      promise.catch(() => {}); // awaited in order below; this only keeps a later chunk's failure from going unhandled
      inFlight.push({ promise, bytesIn: bytes.length });
      if (inFlight.length > ctx.encoder.parallelism) await drainOne();
    }
    while (inFlight.length > 0) await drainOne();
  } finally {
    await Promise.allSettled(inFlight.map((f) => f.promise));
  }
}

export function streamTensor(ctx: StreamContext, plan: TensorPlan): Promise<void> {
  return plan.action === 'copy' ? copyTensor(ctx, plan) : encodeTensor(ctx, plan);
}
