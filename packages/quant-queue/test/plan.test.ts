import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fileWorkId } from '../src/identity.js';
import { decodeRange, encodeRange, mergeRanges } from '../src/merge-ranges.js';
import { rowShards } from '../src/shards.js';
import { parseRedisUrl, redactedUrl } from '../src/connection.js';

describe('rowShards', () => {
  it('cuts rows into shards of at most maxElements, the last one short', () => {
    expect(rowShards(10, 7, 21, 1)).toEqual([0, 3, 6, 9, 10]);
    expect(rowShards(3, 100, 50, 1)).toEqual([0, 1, 2, 3]); // a row larger than the limit: one row per shard
  });

  it('keeps every boundary on a multiple of the step (blocks along axis 0, packed codes on a byte)', () => {
    const starts = rowShards(100, 3, 40, 8);
    expect(starts.slice(0, -1).every((s) => s % 8 === 0)).toBe(true);
    expect(starts.at(-1)).toBe(100);
    expect(rowShards(5, 1, 1, 4)).toEqual([0, 4, 5]);
  });
});

describe('mergeRanges', () => {
  it('is min of mins and max of maxes, group by group; a group without numbers stays empty', () => {
    const merged = mergeRanges([
      { min: [1, Infinity, -2], max: [3, -Infinity, 5] },
      { min: [-1, Infinity, 0], max: [2, -Infinity, 9] },
    ]);
    expect(merged).toEqual({ min: [-1, Infinity, -2], max: [3, -Infinity, 9] });
  });

  it('survives JSON with infinities and the sign of zero', () => {
    const r = { min: [-0, Infinity, -3.5], max: [0, -Infinity, 1e-30] };
    const back = decodeRange(JSON.parse(JSON.stringify(encodeRange(r))));
    expect(Object.is(back.min[0], -0)).toBe(true);
    expect(back).toEqual(r);
  });

  it('refuses parts of different group counts', () => {
    expect(() => mergeRanges([{ min: [1], max: [2] }, { min: [1, 2], max: [3, 4] }])).toThrow(/groups/);
  });
});

describe('job identity', () => {
  it('is the same for the same inputs and options, and changes with the input, options, output or threshold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quant-queue-id-'));
    try {
      const path = join(dir, 'a.npy');
      writeFileSync(path, 'x');
      const file = { output: join(dir, 'a.safetensors'), inputs: [{ path, npyName: 'a' }] };
      const options = { settings: { bits: 8, scheme: 'affine' }, include: [] };
      const id = await fileWorkId(file, options, 100);
      expect(await fileWorkId(file, { include: [], settings: { scheme: 'affine', bits: 8 } }, 100)).toBe(id);
      expect(await fileWorkId(file, { ...options, settings: { bits: 4, scheme: 'affine' } }, 100)).not.toBe(id);
      expect(await fileWorkId(file, options, 101)).not.toBe(id);
      expect(await fileWorkId({ ...file, output: join(dir, 'b.safetensors') }, options, 100)).not.toBe(id);
      utimesSync(path, new Date(1_000_000), new Date(2_000_000));
      expect(await fileWorkId(file, options, 100)).not.toBe(id);
      expect(id).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('canonicalJson sorts keys at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port, database and credentials', () => {
    expect(parseRedisUrl('redis://u:p%40ss@example:6380/2')).toMatchObject({ host: 'example', port: 6380, db: 2, username: 'u', password: 'p@ss' });
    expect(parseRedisUrl('127.0.0.1:7000')).toMatchObject({ host: '127.0.0.1', port: 7000, db: 0 });
  });

  it('never prints a password', () => {
    expect(redactedUrl('redis://user:secret@host:6379/1')).toBe('redis://***@host:6379/1');
    expect(redactedUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  it('refuses what is not a Redis URL', () => {
    expect(() => parseRedisUrl('http://x')).toThrow(/redis:\/\//);
    expect(() => parseRedisUrl('redis://x/abc')).toThrow(/database/);
  });
});
