import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant } from './helpers/quant.js';
import { redisAvailable, RedisServer } from './helpers/redis-server.js';

/** The queue commands' own errors carry the CLI's codes and exit statuses. */
describe('queue command errors', () => {
  beforeAll(() => checkBuilt());

  it('no --redis is a usage error', async () => {
    const r = await quant(['status', 'mx0-00000000'], { QUANT_REDIS: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no Redis given.*\[E_USAGE\]/);
  });

  it('an unreachable Redis is an I/O error, reported after a few seconds', async () => {
    const r = await quant(['status', 'mx0-00000000', '--redis', 'redis://127.0.0.1:1']);
    expect(r.status).toBe(8);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1.*\[E_IO\]/);
  });

  const withRedis = redisAvailable() ? describe : describe.skip;
  withRedis('with a Redis', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await RedisServer.start();
    });
    afterAll(async () => redis?.close());

    it('an unknown run is not found; a malformed id is a usage error', async () => {
      const missing = await quant(['status', 'mx0-00000000', '--redis', redis.url]);
      expect(missing.status).toBe(3);
      expect(missing.stderr).toMatch(/no run 'mx0-00000000'.*\[E_NOT_FOUND\]/);
      const malformed = await quant(['cancel', 'nonsense', '--redis', redis.url]);
      expect(malformed.status).toBe(2);
      expect(malformed.stderr).toContain('[E_USAGE]');
    });

    it('a submit with no usable input records the failure on the run and --wait exits with its status', async () => {
      const r = await quant(['submit', '/nonexistent/x.npy', '-o', '/tmp/never-written/', '--redis', redis.url, '--wait']);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/x\.npy.*\[E_NOT_FOUND\]/);
    });
  });
});
