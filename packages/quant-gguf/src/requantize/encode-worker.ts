import { parentPort } from 'node:worker_threads';
import { encodeChunk } from './encode-chunk.js';
import type { EncodeReply, EncodeRequest } from './worker-protocol.js';

// A thread of the encoder pool (chunk-encoder.ts): encodes one chunk at a time; the result's buffer is transferred.
parentPort?.on('message', ({ id, job }: EncodeRequest) => {
  let reply: EncodeReply;
  try {
    const data = encodeChunk(job);
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    // The rows' buffer goes back too, for the next chunk's read: no fresh pages for every chunk on the reading thread.
    const input = job.bytes.buffer === own.buffer ? undefined : job.bytes;
    const transfer = input === undefined ? [own.buffer as ArrayBuffer] : [own.buffer as ArrayBuffer, input.buffer as ArrayBuffer];
    parentPort!.postMessage({ id, data: own, ...(input !== undefined ? { input } : {}) } satisfies EncodeReply, transfer);
    return;
  } catch (e) {
    const err = e as Error & { code?: string };
    reply = { id, error: { name: err.name, message: err.message, ...(typeof err.code === 'string' ? { code: err.code } : {}) } };
  }
  parentPort!.postMessage(reply);
});
