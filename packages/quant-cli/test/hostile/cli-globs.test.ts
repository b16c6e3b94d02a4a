import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, tempDir } from '../helpers/run-cli.js';
import { readSafetensorsSpec } from '../helpers/spec-files.js';
import { f32Tensor, jsonOf, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * An --include/--exclude glob that was invalid or matched nothing exited 0 having done nothing. Now: an invalid glob
 * is E_USAGE; a glob that matches no float tensor of any input is a warning naming it; a run whose globs select no
 * float tensor at all is E_NO_INPUTS (exit 3), before any output is written, saying why.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const model = join(tmp.dir, 'model.safetensors');
writeSafetensors(model, [
  f32Tensor('layers.0.weight', [0.5, -1, 2, 3]),
  f32Tensor('layers.0.bias', [0.1, 0.2]),
  { name: 'ids', dtype: 'I32', shape: [2], bytes: new Uint8Array(8) },
]);

describe('invalid globs are usage errors', () => {
  const cases: [string[], string][] = [
    [['--include', 'layers.[0'], "'[' at position 8 has no closing ']'"],
    [['--exclude', '*.[z-a]'], "the range 'z-a' is reversed"],
    [['--include', ''], 'it is empty'],
    [['--exclude', '[!]'], 'has no closing'],
  ];
  it.each(cases)('%j', (flags, why) => {
    for (const command of ['quantize', 'compare', 'inspect', 'report']) {
      const dir = tmp.subdir();
      const output = command === 'report' ? ['-o', join(dir, 'r.html')] : command === 'quantize' ? ['-o', join(dir, 'q.safetensors')] : [];
      const r = quantWithin([command, model, ...output, ...flags]);
      expect(r.stderr).toContain('[E_USAGE]');
      expect(r.stderr).toContain(`--${flags[0]!.slice(2)} '${flags[1]}' is not a valid glob`);
      expect(r.stderr).toContain(why);
      expect(r.status).toBe(2);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('a literal [ is still possible, as [[]', () => {
    const file = join(tmp.dir, 'bracket.safetensors');
    writeSafetensors(file, [f32Tensor('a[0]', [1, 2]), f32Tensor('b', [3, 4])]);
    const dir = tmp.subdir();
    const r = quantWithin(['quantize', file, '-o', join(dir, 'q.safetensors'), '--include', 'a[[]0]']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readSafetensorsSpec(join(dir, 'q.safetensors')).tensors.get('a[0].scale')).toBeDefined();
    expect(readSafetensorsSpec(join(dir, 'q.safetensors')).tensors.get('b.scale')).toBeUndefined();
  });
});

describe('globs that match nothing', () => {
  it('one unmatched glob among matching ones is a warning naming it; the run goes on', () => {
    const dir = tmp.subdir();
    const r = quantWithin(['quantize', model, '-o', join(dir, 'q.safetensors'), '--include', 'layers.*', '--exclude', '*.bais', '--json']);
    expect(r.stderr).toContain("quant: warning: --exclude '*.bais' matches no float tensor in the input");
    expect(r.stderr).not.toContain("--include 'layers.*'");
    expect(r.status).toBe(0);
    const out = jsonOf<{ warnings: { kind: string; message: string }[] }>(r);
    expect(out.warnings).toEqual([{ kind: 'unmatched-glob', file: null, tensor: null, message: "--exclude '*.bais' matches no float tensor in the input" }]);
    expect(readSafetensorsSpec(join(dir, 'q.safetensors')).tensors.get('layers.0.bias.scale')).toBeDefined();
  });

  it('an --include that matches no float tensor is E_NO_INPUTS (exit 3), and no output is written', () => {
    const dir = tmp.subdir();
    const r = quantWithin(['quantize', model, '-o', join(dir, 'q.safetensors'), '--include', 'encoder.*']);
    expect(r.stderr).toContain("--include 'encoder.*' matches no float tensor");
    expect(r.stderr).toContain("nothing to do: no float tensor matches --include 'encoder.*' [E_NO_INPUTS]");
    expect(r.status).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('globs on non-float tensors select nothing to quantize', () => {
    const dir = tmp.subdir();
    const r = quantWithin(['quantize', model, '-o', join(dir, 'q.safetensors'), '--include', 'ids']);
    expect(r.stderr).toContain('[E_NO_INPUTS]');
    expect(r.status).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('excluding every float tensor is E_NO_INPUTS, saying so', () => {
    const dir = tmp.subdir();
    const r = quantWithin(['quantize', model, '-o', join(dir, 'q.safetensors'), '--include', 'layers.*', '--exclude', '*.weight', '--exclude', '*.bias']);
    expect(r.stderr).toContain("every float tensor matched by --include 'layers.*' is excluded by --exclude '*.weight', --exclude '*.bias' [E_NO_INPUTS]");
    expect(r.status).toBe(3);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('compare, inspect and report exit 3 too when nothing is selected', () => {
    const dir = tmp.subdir();
    for (const args of [['compare', model], ['inspect', model, '--bits', '4'], ['report', model, '-o', join(dir, 'r.html')]]) {
      const r = quantWithin([...args, '--exclude', '*']);
      expect(r.stderr).toContain("nothing to do: every float tensor is excluded by --exclude '*' [E_NO_INPUTS]");
      expect(r.status).toBe(3);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a glob that matches in one input of several is not a warning', () => {
    const other = join(tmp.dir, 'other.safetensors');
    writeSafetensors(other, [f32Tensor('head', [1, 2, 3])]);
    const r = quantWithin(['compare', model, other, '--include', 'head', '--include', 'layers.0.weight', '--bits', '8', '--scheme', 'affine', '--calibrate', 'minmax']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
