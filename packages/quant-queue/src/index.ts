/**
 * @quantkit/quant-queue: `quant` batch quantization on BullMQ (Redis) across processes and machines sharing a file
 * system (docs/DISTRIBUTED.md). The `quant` CLI supplies the quantizer (engine.ts) and the commands.
 */
export type { FileContext, FileResult, Failure, GroupRange, PlannedFile, QuantizeEngine, RunPlan, SplitPlan, SplitTensor, Warning } from './engine.js';
export { connectOnce, parseRedisUrl, redactedUrl, type QueueTarget } from './connection.js';
export { QueueError, CANCELLED } from './errors.js';
export { DEFAULT_PREFIX, QUEUE_NAME, splitTemporaryName } from './names.js';
export { canonicalJson, fileWorkId } from './identity.js';
export { mergeRanges } from './merge-ranges.js';
export { rowShards } from './shards.js';
export { openQueue, openFlows } from './queue.js';
export { submitRun, DEFAULT_SPLIT_ELEMENTS, type SubmitRequest, type SubmitResult } from './submit.js';
export { runStatus, exitStatusOfRun, type RunStatus, type UnitStatus, type UnitState } from './status.js';
export { cancelRun, type CancelResult } from './cancel.js';
export { startWorker, type RunningWorker, type WorkerOptions } from './worker.js';
export { waitForRun, progressLine, statusText, warningText } from './wait.js';
/** The connection and queue types the functions above take (so callers need not depend on ioredis and bullmq). */
export type { Redis } from 'ioredis';
export type { Queue } from 'bullmq';
