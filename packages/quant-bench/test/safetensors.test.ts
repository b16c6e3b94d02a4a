import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../src/cli-bench/safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'quant-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const a = Float32Array.of(1, -2.5, 3, 4e-3, 5, 6);
const b = new Float32Array(5).fill(-1.5);

function write(): string {
  const file = join(dir, 't.safetensors');
  writeSafetensors(file, [
    { name: 'a', shape: [2, 3], data: () => a },
    { name: 'layers.b', shape: [5], data: () => b },
  ], { generator: 'test' });
  return file;
}

describe('the safetensors writer', () => {
  it('writes the size-prefixed, 8-byte-aligned JSON header and the little-endian data in order', () => {
    const bytes = readFileSync(write());
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
    expect(header).toEqual({
      __metadata__: { generator: 'test' },
      a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      'layers.b': { dtype: 'F32', shape: [5], data_offsets: [24, 44] },
    });
    const data = bytes.subarray(8 + n);
    expect(data.length).toBe(44);
    expect(Array.from({ length: 11 }, (_, i) => data.readFloatLE(i * 4))).toEqual([...a, ...b]);
  });

  it('is read back by the real quant CLI', () => {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@quantkit/quant-cli/package.json');
    const bin = join(dirname(pkg), (require(pkg) as { bin: { quant: string } }).bin.quant);
    const out = execFileSync(process.execPath, [bin, 'inspect', write(), '--json'], { encoding: 'utf8' });
    const tensors = (JSON.parse(out) as { files: { tensors: { name: string; shape: number[]; stats: { min: number; max: number; count: number } }[] }[] }).files[0]!.tensors;
    expect(tensors.map((t) => [t.name, t.shape, t.stats.count, t.stats.min, t.stats.max])).toEqual([
      ['a', [2, 3], 6, -2.5, 6],
      ['layers.b', [5], 5, -1.5, -1.5],
    ]);
  });

  it('writes BF16 tensors as their bit patterns, and refuses data of the wrong element size', () => {
    const file = join(dir, 'bf16.safetensors');
    const bits = Uint16Array.of(0x3f80, 0xc020, 0x0000); // 1, -2.5, 0
    writeSafetensors(file, [{ name: 'h', dtype: 'BF16', shape: [3], data: () => bits }]);
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'))).toEqual({ h: { dtype: 'BF16', shape: [3], data_offsets: [0, 6] } });
    expect([0, 2, 4].map((o) => bytes.readUInt16LE(8 + n + o))).toEqual([0x3f80, 0xc020, 0]);
    expect(() => writeSafetensors(file, [{ name: 'h', dtype: 'BF16', shape: [3], data: () => new Float32Array(3) }])).toThrow(/Float32Array data for dtype BF16/);
  });

  it('refuses data that does not fill the shape', () => {
    expect(() => writeSafetensors(join(dir, 'bad.safetensors'), [{ name: 'x', shape: [3], data: () => new Float32Array(2) }])).toThrow(/2 values for shape \[3\]/);
  });
});
