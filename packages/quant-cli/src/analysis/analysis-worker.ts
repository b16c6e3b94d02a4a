/*
 * The worker thread behind analyze-off-thread.ts: runs analyzeTensor on what it is sent and posts the result (or the
 * error) back. It selects its backend from the same environment as the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeTensor } from './analyze-tensor.js';
import type { AnalysisReply, AnalysisRequest } from './analysis-protocol.js';

const port = parentPort!;
port.on('message', (request: AnalysisRequest) => {
  let reply: AnalysisReply;
  try {
    reply = { ok: analyzeTensor(request.x, request.shape, request.candidates, request.formats) };
  } catch (e) {
    const err = e as Error & { code?: unknown };
    reply = { error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), code: typeof err?.code === 'string' ? err.code : undefined } };
  }
  port.postMessage(reply);
});
