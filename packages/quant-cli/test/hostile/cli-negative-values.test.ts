import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, tempDir } from '../helpers/run-cli.js';
import { readSafetensorsSpec } from '../helpers/spec-files.js';
import { f32Tensor, jsonOf, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * `--axis -1` was a parse error ("argument is ambiguous"); only `--axis=-1` worked, although the help advertises
 * negative axes. An option that takes a value now takes a negative number written as the next argument.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const model = join(tmp.dir, 'model.safetensors');
writeSafetensors(model, [f32Tensor('w', Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3), [2, 3, 4])]);

describe('negative numbers as option values', () => {
  it('quantize --axis -1 is --axis=-1', () => {
    const spaced = join(tmp.dir, 'spaced.safetensors');
    const joined = join(tmp.dir, 'joined.safetensors');
    const a = quantWithin(['quantize', model, '-o', spaced, '--granularity', 'channel', '--axis', '-1']);
    const b = quantWithin(['quantize', model, '-o', joined, '--granularity', 'channel', '--axis=-1']);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    expect(readSafetensorsSpec(spaced).tensors.get('w.scale')!.shape).toEqual([4]);
    expect(readFileSync(spaced)).toEqual(readFileSync(joined));
  });

  it('compare and inspect take --axis -2', () => {
    const c = quantWithin(['compare', model, '--json', '--granularity', 'channel', '--axis', '-2', '--bits', '8', '--scheme', 'affine', '--calibrate', 'minmax']);
    expect(c.status).toBe(0);
    expect(jsonOf<{ candidates: { axis: number } }>(c).candidates.axis).toBe(-2);
    const i = quantWithin(['inspect', model, '--json', '--granularity', 'block', '--block-size', '2', '--axis', '-2']);
    expect(i.status).toBe(0);
    expect(jsonOf<{ settings: { axis: number } }>(i).settings.axis).toBe(-2);
  });

  it('a negative value out of range gets the range message, not a parse error', () => {
    const threads = quantWithin(['quantize', model, '-o', join(tmp.dir, 't.safetensors'), '--threads', '-1']);
    expect(threads.stderr).toContain('--threads must be in 1..256, got -1 [E_USAGE]');
    expect(threads.status).toBe(2);
    const axis = quantWithin(['quantize', model, '-o', join(tmp.dir, 'a.safetensors'), '--granularity', 'channel', '--axis', '-4']);
    expect(axis.stderr).toContain('axis -4 is out of range for shape [2, 3, 4]');
    const bits = quantWithin(['demo', '--bits', '-8']);
    expect(bits.stderr).toContain('--bits must be in 2..16, got -8 [E_USAGE]');
  });

  it('short options take them too, and nothing after -- is touched', () => {
    const r = quantWithin(['quantize', model, '-o', '-1.safetensors', '--granularity', 'channel', '--axis', '-1'], 20_000, {}, tmp.dir);
    expect(r.status).toBe(0);
    expect(readSafetensorsSpec(join(tmp.dir, '-1.safetensors')).tensors.has('w')).toBe(true);
    const positional = quantWithin(['inspect', '--', '-5']);
    expect(positional.stderr).toContain("-5: no such file or directory '-5' [E_NOT_FOUND]");
  });

  it('a flag without a value is still an error, also before a negative number', () => {
    const r = quantWithin(['quantize', model, '-o', join(tmp.dir, 'x.safetensors'), '--packed', '-1']);
    expect(r.stderr).toContain('[E_USAGE]');
    expect(r.status).toBe(2);
  });
});
