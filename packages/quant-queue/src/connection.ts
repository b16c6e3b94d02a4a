import { Redis, type RedisOptions } from 'ioredis';
import { QueueError } from './errors.js';

/** Where Redis is and under which key prefix quant's queue lives. */
export interface QueueTarget {
  readonly redis: string;
  readonly prefix: string;
}

/** The URL as it may be printed: a password (or user name) in it is replaced by '***'. */
export function redactedUrl(text: string): string {
  return text.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1***@');
}

/** Parses redis://[user:pass@]host[:port][/db] (rediss:// for TLS) or a bare host:port. */
export function parseRedisUrl(text: string): RedisOptions {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `redis://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new QueueError('USAGE', `--redis '${redactedUrl(text)}' is not a Redis URL (redis://host:port[/db])`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new QueueError('USAGE', `--redis '${redactedUrl(text)}': the scheme must be redis:// or rediss://`);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new QueueError('USAGE', `--redis '${redactedUrl(text)}': '${url.pathname.slice(1)}' is not a database number`);
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * A connection as BullMQ needs it: commands wait across reconnects (maxRetriesPerRequest null) and reconnection
 * never gives up, so a Redis restart pauses the work instead of failing it.
 */
export function connect(target: QueueTarget, extra: RedisOptions = {}): Redis {
  const redis = new Redis({
    ...parseRedisUrl(target.redis),
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    ...extra,
  });
  // Connection errors are retried; without a listener ioredis would print each one.
  redis.on('error', () => {});
  return redis;
}

/**
 * A connection for a one-shot command (submit, status, cancel): an unreachable Redis is an error after `timeoutMs`
 * rather than a wait forever.
 */
export async function connectOnce(target: QueueTarget, timeoutMs = 5000): Promise<Redis> {
  const redis = connect(target, { lazyConnect: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
    return redis;
  } catch (e) {
    redis.disconnect();
    throw new QueueError('REDIS', `cannot reach Redis at ${redactedUrl(target.redis)}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
  }
}
