import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/*
 * A real redis-server (Debian's package; packages/quant-queue/scripts/install-redis.sh) started by the tests on a free
 * loopback port, with its append-only file on (fsync on every write), in a directory of its own.
 */

export const REDIS_SERVER = process.env.QUANT_REDIS_SERVER ?? '/usr/bin/redis-server';

/** Whether the tests can run here; in CI (CI=true) a missing server is a failure, not a skip. */
export function redisAvailable(): boolean {
  const ok = existsSync(REDIS_SERVER) && spawnSync(REDIS_SERVER, ['--version']).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error(`${REDIS_SERVER} is missing: run packages/quant-queue/scripts/install-redis.sh`);
  if (!ok) process.stderr.write(`quant-queue tests skipped: no ${REDIS_SERVER} (install it with packages/quant-queue/scripts/install-redis.sh)\n`);
  return ok;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

export class RedisServer {
  private process: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'quant-queue-redis-')));
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--loglevel', 'warning'];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    this.process = child;
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`);
      if (await pings(this.port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server did not answer on port ${this.port}: ${stderr}`);
  }

  /** Stops the server (SIGTERM: the AOF is complete, appendfsync always) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops it and starts it again on the same port and directory: the data comes back from the append-only file. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await sleep(downMs);
    await this.launch();
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
