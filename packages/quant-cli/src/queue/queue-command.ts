import { connectOnce, DEFAULT_PREFIX, openQueue, QueueError, type Queue, type QueueTarget, type Redis } from '@quantkit/quant-queue';
import { CliError, fail } from '../errors.js';

/** Options every queue command takes. */
export const QUEUE_OPTIONS = {
  redis: { type: 'string' },
  prefix: { type: 'string' },
} as const;

export const QUEUE_OPTIONS_HELP = `Queue:
  --redis URL         the Redis of the queue: redis://[user:password@]host[:port][/db] (rediss:// for TLS); default
                      $QUANT_REDIS
  --prefix P          the key prefix of quant's queue in that Redis (default '${DEFAULT_PREFIX}'; one Redis can hold
                      several independent queues)`;

export function queueTarget(values: { redis?: string; prefix?: string }, command: string): QueueTarget {
  const redis = values.redis ?? process.env.QUANT_REDIS;
  if (redis === undefined || redis === '') fail('USAGE', `no Redis given (--redis redis://host:port, or QUANT_REDIS)\nRun 'quant ${command} --help' for usage.`);
  const prefix = values.prefix ?? DEFAULT_PREFIX;
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) fail('USAGE', `--prefix '${prefix}' must be letters, digits, '_', '.' or '-'`);
  return { redis, prefix };
}

/** Runs a queue command, reporting the queue's own errors with the CLI's codes (an unreachable Redis is E_IO). */
export async function withQueueErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof QueueError) throw new CliError(e.kind === 'REDIS' ? 'IO' : e.kind, e.message);
    throw e;
  }
}

/** Runs `use` with a connection to the target's Redis and its queue, closed afterwards; queue errors as CLI errors. */
export function withQueue<T>(target: QueueTarget, use: (redis: Redis, queue: Queue) => Promise<T>): Promise<T> {
  return withQueueErrors(async () => {
    const redis = await connectOnce(target);
    const queue = openQueue(target);
    try {
      return await use(redis, queue);
    } finally {
      await queue.close().catch(() => {});
      redis.disconnect();
    }
  });
}
