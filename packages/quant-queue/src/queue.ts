import { FlowProducer, Queue, type ConnectionOptions } from 'bullmq';
import { parseRedisUrl, type QueueTarget } from './connection.js';
import { QUEUE_NAME } from './names.js';

/** BullMQ's connection options for a target (commands wait across reconnects; see connection.ts). */
export function bullConnection(target: QueueTarget): ConnectionOptions {
  return { ...parseRedisUrl(target.redis), maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(100 * times, 2000) };
}

export function openQueue(target: QueueTarget): Queue {
  const queue = new Queue(QUEUE_NAME, { connection: bullConnection(target), prefix: target.prefix });
  queue.on('error', () => {});
  return queue;
}

export function openFlows(target: QueueTarget): FlowProducer {
  const flows = new FlowProducer({ connection: bullConnection(target), prefix: target.prefix });
  flows.on('error', () => {});
  return flows;
}
