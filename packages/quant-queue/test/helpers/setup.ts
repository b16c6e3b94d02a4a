import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServer } from './redis-server.js';
import { quant, Workers } from './quant.js';

/** One test file's world: a Redis, worker processes, a scratch directory. */
export interface World {
  readonly redis: RedisServer;
  readonly workers: Workers;
  readonly dir: string;
  readonly prefix: string;
  close(): Promise<void>;
}

export async function world(prefix: string): Promise<World> {
  const redis = await RedisServer.start();
  const workers = new Workers(redis.url, prefix);
  const dir = mkdtempSync(join(tmpdir(), 'quant-queue-test-'));
  return {
    redis,
    workers,
    dir,
    prefix,
    close: async () => {
      await workers.stopAll();
      await redis.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `quant submit ... --wait` against the world's queue. */
export function submit(w: World, args: readonly string[], env: Record<string, string> = {}) {
  return quant(['submit', '--redis', w.redis.url, '--prefix', w.prefix, ...args], env);
}

/** Files of a directory tree, relative paths sorted (temporary files included: they must not be there). */
export function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(dir.length + 1))
    .sort();
}

/** Asserts two directories hold the same files with the same bytes; returns how many. */
export function sameTree(a: string, b: string): number {
  const files = listTree(a);
  const other = listTree(b);
  if (files.join('\n') !== other.join('\n')) throw new Error(`different files:\n${files.join('\n')}\n---\n${other.join('\n')}`);
  for (const f of files) {
    if (Buffer.compare(readFileSync(join(a, f)), readFileSync(join(b, f))) !== 0) throw new Error(`${f} differs`);
  }
  return files.length;
}
