import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, tempDir, type CliRun } from '../helpers/run-cli.js';
import { f32, halfToNumber, readSafetensorsSpec } from '../helpers/spec-files.js';
import { bytesOf, f32Tensor, jsonOf, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * Finite inputs at ±3.4e38 (float32) or ±65504 (float16) come back as ±Infinity, because the grid of the affine
 * scale reaches past the largest value of the precision (the library keeps onnxruntime's arithmetic on purpose).
 * quantize, inspect and compare now warn about such a tensor on stderr and in their --json output. Each test also
 * checks that the warned-about effect is real: the dequantized file holds the ±Infinity the warning announces.
 * Float16 tensors have float16 scales: affine 8-bit on [0, 65504] has the scale 65504 / 255 rounded to 257, so 65504
 * is code 255, whose value 65535 is past the largest float16.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const F32_MAX = 3.4028234663852886e38;
const F16_MAX_BITS = 0x7bff; // 65504
const model = join(tmp.dir, 'model.safetensors');
writeSafetensors(model, [
  f32Tensor('big', [F32_MAX, -F32_MAX, 0, 1.5]),
  f32Tensor('fine', [-2, 0.5, 3, 1]),
  { name: 'half', dtype: 'F16', shape: [3], bytes: bytesOf(Uint16Array.of(F16_MAX_BITS, 0x3c00, 0)) }, // 65504, 1, 0
]);

interface Warning {
  kind: string;
  tensor: string | null;
  message: string;
}

describe('quantize', () => {
  const output = join(tmp.dir, 'q.safetensors');
  let r: CliRun;
  beforeAll(() => {
    r = quantWithin(['quantize', model, '-o', output, '--json']);
  });

  it('warns about the float32 and float16 tensors whose grid overflows, and only those', () => {
    expect(r.status).toBe(0);
    const warnings = jsonOf<{ warnings: Warning[] }>(r).warnings;
    expect(warnings.map((w) => [w.kind, w.tensor])).toEqual([
      ['range-overflow', 'big'],
      ['range-overflow', 'half'],
    ]);
    expect(warnings[0]!.message).toContain('beyond the largest float32');
    expect(warnings[1]!.message).toContain('beyond the largest float16');
    expect(r.stderr).toContain(`: tensor 'big': the range overflows its scale`);
    expect(r.stderr).not.toContain("'fine'");
  });

  it('the warnings are true: dequantizing gives -Infinity for a finite float32 input and for float16 stored back', () => {
    const dq = join(tmp.dir, 'dq.safetensors');
    expect(quantWithin(['dequantize', output, '-o', dq]).status).toBe(0);
    const big = f32(readSafetensorsSpec(dq).tensors.get('big')!.bytes);
    expect(big.some((v) => v === -Infinity)).toBe(true);
    const fine = f32(readSafetensorsSpec(dq).tensors.get('fine')!.bytes);
    expect(fine.every(Number.isFinite)).toBe(true);

    const dq16 = join(tmp.dir, 'dq16.safetensors');
    expect(quantWithin(['dequantize', output, '-o', dq16, '--original-dtype']).status).toBe(0);
    const half = readSafetensorsSpec(dq16).tensors.get('half')!;
    const values = Array.from(new Uint16Array(half.bytes.buffer, half.bytes.byteOffset, 3), halfToNumber);
    expect(values.some((v) => !Number.isFinite(v))).toBe(true);
  });

  it('inspect of the quantized file warns about the same tensors', () => {
    const i = quantWithin(['inspect', output, '--json']);
    expect(i.status).toBe(0);
    const out = jsonOf<{ files: { tensors: { name: string; rangeOverflows: boolean }[] }[]; warnings: Warning[] }>(i);
    expect(out.warnings.map((w) => w.tensor)).toEqual(['big', 'half']);
    expect(out.files[0]!.tensors.map((t) => [t.name, t.rangeOverflows])).toEqual([
      ['big', true],
      ['fine', false],
      ['half', true],
    ]);
  });
});

describe('inspect', () => {
  it('warns with the cost estimate, per tensor', () => {
    const r = quantWithin(['inspect', model, '--bits', '8', '--json']);
    expect(r.status).toBe(0);
    const out = jsonOf<{ files: { tensors: { name: string; rangeOverflows: boolean }[] }[]; warnings: Warning[] }>(r);
    expect(out.files[0]!.tensors.map((t) => [t.name, t.rangeOverflows])).toEqual([
      ['big', true],
      ['fine', false],
      ['half', true],
    ]);
    expect(r.stderr.match(/quant: warning: /g)).toHaveLength(2);
  });

  it('a lopsided symmetric float16 range whose end code -128 no value uses is not flagged (and indeed stays finite)', () => {
    // 65408 / 127 rounds to the float16 scale 515: code 127 is 65405 (finite), code -128 would be -65920.
    const file = join(tmp.dir, 'lopsided.safetensors');
    writeSafetensors(file, [{ name: 'h', dtype: 'F16', shape: [3], bytes: bytesOf(Uint16Array.of(0x7bfc, 0xb800, 0x3c00)) }]); // 65408, -0.5, 1
    const q = join(tmp.dir, 'lopsided.q.safetensors');
    const r = quantWithin(['quantize', file, '-o', q, '--scheme', 'symmetric']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const back = join(tmp.dir, 'lopsided.back.safetensors');
    expect(quantWithin(['dequantize', q, '-o', back, '--original-dtype']).status).toBe(0);
    const h = readSafetensorsSpec(back).tensors.get('h')!;
    expect(Array.from(new Uint16Array(h.bytes.buffer, h.bytes.byteOffset, 3), halfToNumber).every(Number.isFinite)).toBe(true);
  });

  it('a symmetric range that stays inside float32 is not flagged', () => {
    const file = join(tmp.dir, 'inside.safetensors');
    writeSafetensors(file, [f32Tensor('w', [1e38, -1e38, 0])]);
    const r = quantWithin(['inspect', file, '--scheme', 'symmetric']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('compare', () => {
  it('marks the overflowing rows in JSON and lists them in one warning per tensor', () => {
    const r = quantWithin(['compare', model, '--json', '--bits', '8', '--calibrate', 'minmax']);
    expect(r.status).toBe(0);
    const out = jsonOf<{ files: { tensors: { name: string; rows: { label: string; rangeOverflows: boolean }[] }[] }[]; warnings: Warning[] }>(r);
    const big = out.files[0]!.tensors.find((t) => t.name === 'big')!;
    expect(big.rows.find((x) => x.label === 'affine uint8 per-tensor minmax')!.rangeOverflows).toBe(true);
    const fine = out.files[0]!.tensors.find((t) => t.name === 'fine')!;
    expect(fine.rows.every((x) => !x.rangeOverflows)).toBe(true);
    expect(out.warnings.map((w) => w.tensor)).toEqual(['big', 'half']);
    expect(out.warnings[0]!.message).toContain('affine uint8 per-tensor minmax');
  });
});
