import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicOutput } from '../src/io/atomic-output.js';
import { writeAt } from '../src/pipeline/write.js';

/** 80 MiB in 4 MiB writes: enough to start background flushes (every 32 MiB) while later writes go on. */
async function writeLarge(out: AtomicOutput): Promise<Uint8Array> {
  const chunk = 4 << 20;
  const all = new Uint8Array(20 * chunk);
  for (let k = 0; k < 20; k++) {
    const part = all.subarray(k * chunk, (k + 1) * chunk);
    for (let i = 0; i < part.length; i += 4093) part[i] = (k * 31 + i) & 0xff;
    await writeAt(out.fh, part, k * chunk);
    out.wrote(part.length);
  }
  return all;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quant-atomic-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('AtomicOutput', () => {
  it('flushes behind large writes and commits exactly the bytes written', async () => {
    const dir = tempDir();
    const target = join(dir, 'out.bin');
    const out = await AtomicOutput.create(target, false);
    let flushes = 0;
    const datasync = out.fh.datasync.bind(out.fh);
    out.fh.datasync = () => {
      flushes++;
      return datasync();
    };
    const bytes = await writeLarge(out);
    await out.commit();
    expect(flushes).toBeGreaterThanOrEqual(1);
    expect(Buffer.compare(readFileSync(target), bytes)).toBe(0);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('a failed background flush fails the commit: the temporary file goes, the old target stays', async () => {
    const dir = tempDir();
    const target = join(dir, 'out.bin');
    writeFileSync(target, 'previous');
    const out = await AtomicOutput.create(target, true);
    // The disk reporting a write-back error (EIO) is what this stands for; it cannot be provoked on a healthy disk.
    out.fh.datasync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await writeLarge(out);
    await expect(out.commit()).rejects.toMatchObject({ message: expect.stringContaining('EIO') });
    expect(readFileSync(target, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });
});
