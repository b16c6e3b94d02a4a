import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, tempDir } from '../helpers/run-cli.js';
import { readSafetensorsSpec } from '../helpers/spec-files.js';
import { jsonOf, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * Defect 3 at the CLI: a 90-byte .safetensors holding an empty tensor of shape [2^52, 0] made `quant quantize
 * --granularity block` and `quant inspect` loop over 2^52 rows until SIGKILL, leaving a temporary file. Every command
 * must now finish at once with a result (block groups of an empty tensor: none) or a clear error (2^52 channels:
 * E_LIMIT), and leave nothing behind.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const HUGE = 2 ** 52;
const input = join(tmp.dir, 'empty.safetensors');
writeSafetensors(input, [{ name: 'w', dtype: 'F32', shape: [HUGE, 0], bytes: new Uint8Array(0) }]);

describe('an empty tensor with a 2^52 dimension', () => {
  it('is a file of under 100 bytes', () => {
    expect(statSync(input).size).toBeLessThan(100);
    expect(readSafetensorsSpec(input).tensors.get('w')!.shape).toEqual([HUGE, 0]);
  });

  it('quantize --granularity block finishes and writes an empty quantized tensor with no groups', () => {
    const dir = tmp.subdir();
    const output = join(dir, 'q.safetensors');
    const r = quantWithin(['quantize', input, '-o', output, '--granularity', 'block']);
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const q = readSafetensorsSpec(output);
    expect(q.tensors.get('w')!.shape).toEqual([HUGE, 0]);
    expect(q.tensors.get('w.scale')!.shape).toEqual([HUGE, 0]); // ceil(0 / 32) blocks on the last axis
    expect(readdirSync(dir)).toEqual(['q.safetensors']);

    // ... and the quantized file reads back as quickly.
    const inspected = quantWithin(['inspect', output]);
    expect(inspected.signal).toBeNull();
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).toContain('affine 8-bit block 32(axis 1) from F32');
    const back = quantWithin(['dequantize', output, '-o', join(dir, 'back.safetensors')]);
    expect(back.signal).toBeNull();
    expect(back.status).toBe(0);
    expect(readSafetensorsSpec(join(dir, 'back.safetensors')).tensors.get('w')!.shape).toEqual([HUGE, 0]);
  });

  it('quantize --granularity block --axis 0 finishes too (ceil(2^52 / 32) blocks of an empty axis)', () => {
    const dir = tmp.subdir();
    const r = quantWithin(['quantize', input, '-o', join(dir, 'q.safetensors'), '--granularity', 'block', '--axis=0']);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toEqual(['q.safetensors']);
  });

  it.each([
    ['quantize --granularity channel refuses 2^52 scales with E_LIMIT and leaves no file', [], "tensor 'w'"],
    ['quantize --granularity channel --allow-large-params: the library refuses the group count (ERR_QUANT_LIMIT -> E_LIMIT)', ['--allow-large-params'], 'ERR_QUANT_LIMIT'],
  ])('%s', (_, extra, mention) => {
    const dir = tmp.subdir();
    const r = quantWithin(['quantize', input, '-o', join(dir, 'q.safetensors'), '--granularity', 'channel', ...extra]);
    expect(r.signal).toBeNull();
    expect(r.stderr).toContain('[E_LIMIT]');
    expect(r.stderr).toContain(mention);
    expect(r.status).toBe(7);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('inspect shows the tensor, with and without a block cost estimate', () => {
    for (const extra of [[], ['--granularity', 'block']]) {
      const r = quantWithin(['inspect', input, '--json', ...extra]);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      const out = jsonOf<{ files: { tensors: { name: string; shape: number[]; stats: { count: number } }[] }[] }>(r);
      expect(out.files[0]!.tensors[0]!.shape).toEqual([HUGE, 0]);
      expect(out.files[0]!.tensors[0]!.stats.count).toBe(0);
    }
  });

  it('inspect --granularity channel is a clear E_LIMIT, not a hang or an "unexpected error"', () => {
    const r = quantWithin(['inspect', input, '--granularity', 'channel']);
    expect(r.signal).toBeNull();
    expect(r.stderr).toContain('[E_LIMIT]');
    expect(r.status).toBe(7);
  });

  it('compare and report measure the per-tensor and block candidates and list the channel one as refused', () => {
    const r = quantWithin(['compare', input, '--json', '--scheme', 'affine', '--bits', '8', '--calibrate', 'minmax', '--granularity', 'tensor,channel,block']);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const t = jsonOf<{ files: { tensors: { rows: { label: string }[]; refused: { label: string; message: string }[] }[] }[] }>(r).files[0]!.tensors[0]!;
    expect(t.rows.map((x) => x.label)).toEqual(['affine uint8 per-tensor minmax', 'affine uint8 axis 1 block 32 minmax']);
    expect(t.refused.map((x) => x.label)).toEqual(['affine uint8 axis 0 minmax']);

    const dir = tmp.subdir();
    const report = quantWithin(['report', input, '-o', join(dir, 'r.html'), '--granularity', 'tensor,channel,block']);
    expect(report.signal).toBeNull();
    expect(report.status).toBe(0);
    expect(existsSync(join(dir, 'r.html'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['r.html']);
  });
});
