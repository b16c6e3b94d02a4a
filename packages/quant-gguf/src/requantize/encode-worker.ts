import { parentPort } from 'node:worker_threads';
import { encodeChunk } from './encode-chunk.js';
import type { EncodeReply, EncodeRequest } from './worker-protocol.js';

// A thread of the encoder pool (chunk-encoder.ts): encodes one chunk at a time; the result's buffer is transferred.
parentPort?.on('message', ({ id, job }: EncodeRequest) => {
  let reply: EncodeReply;
  try {
    const data = encodeChunk(job);
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    parentPort!.postMessage({ id, data: own } satisfies EncodeReply, [own.buffer as ArrayBuffer]);
    return;
  } catch (e) {
    const err = e as Error & { code?: string };
    reply = { id, error: { name: err.name, message: err.message, ...(typeof err.code === 'string' ? { code: err.code } : {}) } };
  }
  parentPort!.postMessage(reply);
});
