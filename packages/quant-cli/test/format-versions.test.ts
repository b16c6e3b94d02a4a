import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantize, quantize } from '@quantkit/quant-core';
import { bf16ToF32, halvesToF32, randomBf16Bits, randomHalfBits, sameBytes } from './helpers/data.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec, writeSafetensorsSpec, type SpecSafetensors } from './helpers/spec-files.js';

/*
 * Format version 2 stores the scales of F16 / BF16 originals as F16 / BF16; version 1 (quant before it) stored them
 * as F32, computed on the widened float32 values. quant reads both, and refuses a scale tensor whose dtype is not the
 * one its file's version gives (E_SCALE_DTYPE).
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const h = randomHalfBits(8 * 6, 51);
const b = randomBf16Bits(8 * 6, 52);
const SHAPE = [8, 6];
const WIDE: Record<string, Float32Array> = { h: halvesToF32(h), b: bf16ToF32(b) };

const input = join(tmp.dir, 'halves.safetensors');
writeSafetensorsSpec(input, [
  { name: 'h', dtype: 'F16', shape: SHAPE, bytes: bytesOf(h) },
  { name: 'b', dtype: 'BF16', shape: SHAPE, bytes: bytesOf(b) },
]);
const v2 = join(tmp.dir, 'v2.safetensors');

function rewrite(path: string, file: SpecSafetensors, format: string, replace: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }> = {}): string {
  const tensors = [...file.tensors].map(([name, t]) => ({ name, ...(replace[name] ?? t) }));
  writeSafetensorsSpec(path, tensors, { ...file.metadata, 'quantkit.format': format });
  return path;
}

/** What quant wrote before version 2: codes and F32 scales of the widened float32 values, marked version 1. */
function writeV1(path: string): string {
  const file = readSafetensorsSpec(v2);
  const replace: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }> = {};
  for (const name of ['h', 'b']) {
    const qt = quantize(WIDE[name]!, { shape: SHAPE });
    replace[name] = { dtype: 'U8', shape: SHAPE, bytes: bytesOf(qt.data) };
    replace[`${name}.scale`] = { dtype: 'F32', shape: [], bytes: bytesOf(Float32Array.of(qt.scale as number)) };
    replace[`${name}.zero_point`] = { dtype: 'U8', shape: [], bytes: Uint8Array.of(qt.zeroPoint as number) };
  }
  return rewrite(path, file, 'quantkit.safetensors.v1', replace);
}

describe('format versions', () => {
  beforeAll(() => {
    const r = quant(['quantize', input, '-o', v2]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('a version 1 file (F32 scales for F16 / BF16 originals) still dequantizes and inspects as it always did', () => {
    const v1 = writeV1(join(tmp.dir, 'v1.safetensors'));
    for (const [args, dtype] of [[[], 'F32'], [['--dtype', 'f16'], 'F16']] as const) {
      const out = join(tmp.dir, `v1.${dtype}.safetensors`);
      const r = quant(['dequantize', v1, '-o', out, ...args]);
      expect(r.status, r.stderr).toBe(0);
      const back = readSafetensorsSpec(out);
      for (const name of ['h', 'b']) {
        const qt = quantize(WIDE[name]!, { shape: SHAPE }); // a float32 tensor with float32 scales, as version 1 holds it
        const want = dtype === 'F32' ? dequantize(qt) : dequantize(qt, { dtype: 'float16' });
        expect(sameBytes(back.tensors.get(name)!.bytes, bytesOf(want)), `${name} ${dtype}`).toBe(true);
      }
    }
    const r = quant(['inspect', v1, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files[0].tensors.map((t: { name: string; quantization: { dtype: string } }) => [t.name, t.quantization.dtype])).toEqual([['h', 'F16'], ['b', 'BF16']]);
  });

  it.each([
    ['a version 2 file with F32 scales for an F16 original', 'quantkit.safetensors.v2', true, "'h.scale' is F32 but the scales of F16 tensors are F16 in format version 2"],
    ['a version 1 file with F16 scales for an F16 original', 'quantkit.safetensors.v1', false, "'h.scale' is F16 but the scales of F16 tensors are F32 in format version 1"],
  ])('%s is E_SCALE_DTYPE (exit 4)', (label, format, f32Scales, message) => {
    const path = join(tmp.dir, `${label.replace(/\W+/g, '-')}.safetensors`);
    const file = f32Scales ? readSafetensorsSpec(writeV1(join(tmp.dir, 'v1-base.safetensors'))) : readSafetensorsSpec(v2);
    rewrite(path, file, format);
    for (const args of [['dequantize', path, '-o', join(tmp.dir, 'refused.safetensors')], ['inspect', path]]) {
      const r = quant(args);
      expect(r.stderr).toContain('[E_SCALE_DTYPE]');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('format version 1 stores the scales of F16 tensors as F32, version 2 as F16');
      expect(r.status).toBe(4);
    }
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('refused'))).toEqual([]);
  });
});
