import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicOutput } from '../../src/io/atomic-output.js';
import { checkBuilt, quant, tempDir } from '../helpers/run-cli.js';
import { inputAndQuantized } from './io-files.js';

/*
 * An output may only replace a regular file. `-o <FIFO|device|socket|directory|symlink> --force` used to rename a
 * regular file over the node (as root, `-o /dev/null --force` destroyed /dev/null). Each is refused with
 * E_OUTPUT_NOT_REGULAR (exit 6) before anything is written, and the node is left as it was.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const { input, quantized } = inputAndQuantized(tmp.dir, Float32Array.from({ length: 8 }, (_, i) => i / 3));

function expectRefused(args: string[], output: string): void {
  for (const force of [[], ['--force']]) {
    const r = quant([...args, '-o', output, ...force]);
    expect(r.stderr).toContain('[E_OUTPUT_NOT_REGULAR]');
    expect(r.stderr).toContain(output);
    expect(r.status).toBe(6);
  }
}

/** Hidden temporary files quant may have left in a directory. */
const temporaries = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('outputs that are not regular files', () => {
  it('a FIFO is refused by quantize, dequantize and report, and stays a FIFO', () => {
    const dir = tmp.subdir('fifo');
    const fifo = join(dir, 'out.safetensors');
    execFileSync('mkfifo', [fifo]);
    expectRefused(['quantize', input], fifo);
    expectRefused(['dequantize', quantized], fifo);
    const page = join(dir, 'page.html');
    execFileSync('mkfifo', [page]);
    expectRefused(['report', input], page);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(page).isFIFO()).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  it('a directory named as the output file is refused and left alone', () => {
    const dir = tmp.subdir('dir.safetensors');
    writeFileSync(join(dir, 'inside'), 'keep');
    expectRefused(['dequantize', quantized], dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual(['inside']);
  });

  it('a socket is refused', async () => {
    const dir = tmp.subdir('socket');
    const path = join(dir, 'out.safetensors');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      expectRefused(['dequantize', quantized], path);
      expect(lstatSync(path).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  it('a symbolic link is refused, whatever it points to: the link and its target are left as they were', () => {
    const dir = tmp.subdir('links');
    const target = join(dir, 'target.safetensors');
    writeFileSync(target, 'precious');
    const link = join(dir, 'link.safetensors');
    symlinkSync(target, link);
    expectRefused(['dequantize', quantized], link);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    const dangling = join(dir, 'dangling.safetensors');
    symlinkSync(join(dir, 'nowhere'), dangling);
    expectRefused(['dequantize', quantized], dangling);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  it('a regular file is still replaced with --force', () => {
    const out = join(tmp.dir, 'regular.safetensors');
    writeFileSync(out, 'old');
    expect(quant(['dequantize', quantized, '-o', out]).status).toBe(6);
    expect(quant(['dequantize', quantized, '-o', out, '--force']).status).toBe(0);
    expect(readFileSync(out).length).toBeGreaterThan(8);
  });

  it('a FIFO that appears while the output is written is not replaced at commit', async () => {
    const dir = tmp.subdir('late-fifo');
    const target = join(dir, 'out.safetensors');
    const out = await AtomicOutput.create(target, true);
    await out.fh.write('data');
    execFileSync('mkfifo', [target]);
    await expect(out.commit()).rejects.toMatchObject({ code: 'E_OUTPUT_NOT_REGULAR' });
    expect(lstatSync(target).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.safetensors']); // the temporary file is gone
  });

  it('/dev/null is refused before anything is created (checked in-process, so a regression cannot replace it)', async () => {
    let created: AtomicOutput | undefined;
    try {
      created = await AtomicOutput.create('/dev/null', true);
    } catch (e) {
      expect(e).toMatchObject({ code: 'E_OUTPUT_NOT_REGULAR', file: '/dev/null' });
    } finally {
      await created?.discard(); // only reached by a regression: removes its temporary file, never commits
    }
    expect(created).toBeUndefined();
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});
