import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomF32 } from '../helpers/data.js';
import { checkBuilt, quant, tempDir } from '../helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec, writeNpySpec, writeSafetensorsSpec } from '../helpers/spec-files.js';

/*
 * Directory walks follow symbolic links to files and directories. A Hugging Face cache `snapshots/<rev>/` folder is
 * all links into `blobs/` (whose names have no extension) and used to read as empty. Links are followed once per
 * real directory (no loops); a link that leads nowhere usable (dangling, a loop, a FIFO) is skipped with a note.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

/** blobs/<hash> files, and snapshots/rev1 linking to them the way huggingface_hub lays out its cache. */
function huggingFaceCache(root: string): string {
  const blobs = join(root, 'blobs');
  const rev = join(root, 'snapshots', 'rev1');
  mkdirSync(blobs, { recursive: true });
  mkdirSync(join(rev, 'sub'), { recursive: true });
  writeSafetensorsSpec(join(blobs, '9f86d081884c7d65'), [{ name: 'w', dtype: 'F32', shape: [4, 4], bytes: bytesOf(randomF32(16, 1)) }]);
  writeNpySpec(join(blobs, '2c26b46b68ffc68f'), { descr: '<f4', fortranOrder: false, shape: [8], data: bytesOf(randomF32(8, 2)) });
  symlinkSync('../../blobs/9f86d081884c7d65', join(rev, 'model.safetensors'));
  symlinkSync('../../../blobs/2c26b46b68ffc68f', join(rev, 'sub', 'bias.npy'));
  return join(root, 'snapshots');
}

describe('symbolic links in input directories', () => {
  it('a Hugging Face cache snapshot (all links) is read through its links', () => {
    const snapshots = huggingFaceCache(join(tmp.dir, 'hf'));
    const out = join(tmp.dir, 'hf-out');
    const r = quant(['quantize', snapshots, '-o', `${out}/`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(join(out, 'rev1')).sort()).toEqual(['model.safetensors', 'sub']);
    expect([...readSafetensorsSpec(join(out, 'rev1', 'model.safetensors')).tensors.keys()]).toEqual(['w', 'w.scale', 'w.zero_point']);
    expect([...readSafetensorsSpec(join(out, 'rev1', 'sub', 'bias.safetensors')).tensors.keys()]).toEqual(['bias', 'bias.scale', 'bias.zero_point']);
  });

  it('a link to a directory is searched; a loop back to an ancestor is skipped with a note', () => {
    const root = join(tmp.dir, 'loop');
    const real = join(tmp.dir, 'loop-target');
    mkdirSync(root);
    mkdirSync(real);
    writeNpySpec(join(real, 'a.npy'), { descr: '<f4', fortranOrder: false, shape: [4], data: bytesOf(randomF32(4, 3)) });
    symlinkSync(real, join(root, 'linked'));
    symlinkSync('.', join(root, 'self'));
    mkdirSync(join(root, 'x', 'y'), { recursive: true });
    symlinkSync('../..', join(root, 'x', 'y', 'up'));
    const out = join(tmp.dir, 'loop-out');
    const r = quant(['quantize', root, '-o', `${out}/`]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/note: .*self.*loop/);
    expect(r.stderr).toMatch(/note: .*up.*loop/);
    expect(readdirSync(out)).toEqual(['linked']);
    expect(readdirSync(join(out, 'linked'))).toEqual(['a.safetensors']);
  });

  it('dangling links and FIFOs are skipped with a note, and do not hang the walk', () => {
    const root = join(tmp.dir, 'odd');
    mkdirSync(root);
    writeNpySpec(join(root, 'ok.npy'), { descr: '<f4', fortranOrder: false, shape: [4], data: bytesOf(randomF32(4, 4)) });
    symlinkSync(join(root, 'missing.npy'), join(root, 'dangling.npy'));
    execFileSync('mkfifo', [join(root, 'pipe.npy')]);
    symlinkSync(join(root, 'pipe.npy'), join(root, 'to-pipe.safetensors'));
    const out = join(tmp.dir, 'odd-out');
    const r = quant(['quantize', root, '-o', `${out}/`]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/note: .*dangling\.npy/);
    expect(r.stderr).toMatch(/note: .*pipe\.npy.*not a regular file/);
    expect(r.stderr).toMatch(/note: .*to-pipe\.safetensors.*not a regular file/);
    expect(readdirSync(out)).toEqual(['ok.safetensors']);
  });

  it('--quiet keeps the notes off stderr', () => {
    const root = join(tmp.dir, 'quiet');
    mkdirSync(root);
    writeNpySpec(join(root, 'ok.npy'), { descr: '<f4', fortranOrder: false, shape: [4], data: bytesOf(randomF32(4, 5)) });
    symlinkSync(join(root, 'missing'), join(root, 'dangling.npy'));
    const r = quant(['quantize', root, '-o', `${join(tmp.dir, 'quiet-out')}/`, '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });
});
