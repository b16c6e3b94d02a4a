import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gguf } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { describeGguf, GgufWriter, openGguf, writeGgufFile, type GgufMetadata, type GgufValue } from '../src/index.js';
import { Raw } from './helpers/raw-gguf.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

/** One entry of every value type, arrays of each, and arrays nested two deep. */
function everyValueType(): GgufMetadata {
  const m: GgufMetadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['test.u8', { type: 'uint8', value: 255 }],
    ['test.i8', { type: 'int8', value: -128 }],
    ['test.u16', { type: 'uint16', value: 65535 }],
    ['test.i16', { type: 'int16', value: -32768 }],
    ['test.u32', { type: 'uint32', value: 4294967295 }],
    ['test.i32', { type: 'int32', value: -2147483648 }],
    ['test.f32', { type: 'float32', value: 0.5 }],
    ['test.bool', { type: 'bool', value: false }],
    ['test.string', { type: 'string', value: 'ünïcødé ✓ and "quotes"' }],
    ['test.u64', { type: 'uint64', value: 18446744073709551615n }],
    ['test.i64', { type: 'int64', value: -9223372036854775808n }],
    ['test.f64', { type: 'float64', value: Math.PI }],
    ['test.empty_string', { type: 'string', value: '' }],
    ['test.array.u8', { type: 'array', value: { itemType: 'uint8', items: [0, 1, 255] } }],
    ['test.array.i64', { type: 'array', value: { itemType: 'int64', items: [-1n, 2n] } }],
    ['test.array.bool', { type: 'array', value: { itemType: 'bool', items: [true, false, true] } }],
    ['test.array.string', { type: 'array', value: { itemType: 'string', items: ['a', '', 'ccc'] } }],
    ['test.array.f64', { type: 'array', value: { itemType: 'float64', items: [1.5, -0.25] } }],
    ['test.array.empty', { type: 'array', value: { itemType: 'uint32', items: [] } }],
    [
      'test.array.nested',
      {
        type: 'array',
        value: {
          itemType: 'array',
          items: [
            { itemType: 'int32', items: [1, -2, 3] },
            { itemType: 'string', items: ['x'] },
            { itemType: 'array', items: [{ itemType: 'uint16', items: [7] }] },
          ],
        },
      },
    ],
  ]);
  return m;
}

const tensors = [
  { name: 'a.weight', shape: [4, 3], typeId: 0, data: new Uint8Array(48).map((_, i) => i) },
  { name: 'b.bias', shape: [5], typeId: 1, data: new Uint8Array(10).fill(0x3c) },
  { name: 'c.weight', shape: [32, 2], typeId: 8, data: new Uint8Array(68).map((_, i) => 255 - i) },
  { name: 'empty', shape: [0, 4], typeId: 0, data: new Uint8Array(0) },
  { name: 'd.weight', shape: [2, 1, 1, 3], typeId: 30, data: new Uint8Array(12).fill(7) },
];

describe('GGUF writer and reader', () => {
  it('round-trips every metadata value type, tensor infos and data', async () => {
    const path = join(tempDir(), 'all.gguf');
    const metadata = everyValueType();
    await writeGgufFile(path, metadata, tensors);
    const reader = await openGguf(path);
    try {
      expect(reader.header.version).toBe(3);
      expect(reader.header.alignment).toBe(32);
      expect([...reader.header.metadata]).toEqual([...metadata]);
      expect(reader.tensors.map((t) => [t.name, t.shape, t.typeId, t.byteLength])).toEqual(tensors.map((t) => [t.name, t.shape, t.typeId, t.data.length]));
      for (const t of reader.tensors) {
        expect(t.offset % 32).toBe(0);
        expect(t.fileOffset).toBe(reader.header.dataOffset + t.offset);
        expect(await reader.readTensorBytes(t)).toEqual(tensors.find((x) => x.name === t.name)!.data);
      }
      expect(await reader.readTensorBytes(reader.tensors[0]!, 4, 8)).toEqual(tensors[0]!.data.subarray(4, 12));
    } finally {
      await reader.close();
    }
  });

  it('is read by @huggingface/gguf: metadata, tensor infos and offsets', async () => {
    const path = join(tempDir(), 'hf.gguf');
    await writeGgufFile(path, everyValueType(), tensors);
    const hf = await gguf(path, { allowLocalFile: true, typedMetadata: true });
    const m = hf.metadata as unknown as Record<string, unknown>;
    expect(m.version).toBe(3);
    expect(m['general.architecture']).toBe('llama');
    expect(m['test.u64']).toBe(18446744073709551615n);
    expect(m['test.i64']).toBe(-9223372036854775808n);
    expect(m['test.string']).toBe('ünïcødé ✓ and "quotes"');
    expect(m['test.array.string']).toEqual(['a', '', 'ccc']);
    expect(m['test.array.bool']).toEqual([true, false, true]);
    expect(m['test.array.nested']).toEqual([[1, -2, 3], ['x'], [[7]]]);
    expect(hf.typedMetadata['test.u16']!.type).toBe(2);
    expect(hf.typedMetadata['test.f64']!.type).toBe(12);
    expect(hf.typedMetadata['test.array.i64']!.subType).toBe(11);
    const reader = await openGguf(path);
    try {
      expect(hf.tensorDataOffset).toBe(BigInt(reader.header.dataOffset));
      expect(hf.tensorInfos.map((t) => [t.name, t.shape.map(Number), Number(t.dtype), Number(t.offset)])).toEqual(reader.tensors.map((t) => [t.name, t.shape, t.typeId, t.offset]));
    } finally {
      await reader.close();
    }
  });

  it('lays data out at general.alignment', async () => {
    const path = join(tempDir(), 'aligned.gguf');
    const metadata: GgufMetadata = new Map([['general.alignment', { type: 'uint32', value: 256 }]]);
    await writeGgufFile(path, metadata, tensors);
    const summary = await describeGguf(path);
    expect(summary.alignment).toBe(256);
    for (const t of summary.tensors) expect(t.offset % 256).toBe(0);
    const hf = await gguf(path, { allowLocalFile: true });
    expect(Number(hf.tensorDataOffset) % 256).toBe(0);
  });

  it('describes tensors with bytes and bits per weight', async () => {
    const path = join(tempDir(), 'describe.gguf');
    await writeGgufFile(path, everyValueType(), tensors);
    const s = await describeGguf(path);
    const c = s.tensors.find((t) => t.name === 'c.weight')!;
    expect(c).toMatchObject({ type: 'Q8_0', typeId: 8, shape: [32, 2], bytes: 68, bitsPerWeight: 8.5 });
    expect(s.tensors.find((t) => t.name === 'a.weight')).toMatchObject({ type: 'F32', bitsPerWeight: 32 });
    expect(s.version).toBe(3);
    expect(s.metadata.get('test.u8')).toEqual({ type: 'uint8', value: 255 });
  });

  it('reads version 2 files', async () => {
    const path = join(tempDir(), 'v2.gguf');
    const raw = new Raw().header(2, 1, 2).kvString('general.architecture', 'llama').kvU32('general.alignment', 32);
    raw.tensorInfo('t', [8], 0, 0).pad().bytes(new Uint8Array(32).fill(1));
    writeFileSync(path, raw.build());
    const reader = await openGguf(path);
    try {
      expect(reader.header.version).toBe(2);
      expect(await reader.readTensorBytes(reader.tensor('t')!)).toEqual(new Uint8Array(32).fill(1));
    } finally {
      await reader.close();
    }
  });

  it('writes tensor data streamed in pieces, refusing too many bytes and too few', async () => {
    const { open } = await import('node:fs/promises');
    const fh = await open(join(tempDir(), 'pieces.gguf'), 'w+');
    try {
      const w = await GgufWriter.begin(fh, new Map(), [
        { name: 'x', shape: [4], typeId: 0, byteLength: 16 },
        { name: 'y', shape: [2], typeId: 0, byteLength: 8 },
      ]);
      await w.write(new Uint8Array(10));
      await expect(w.write(new Uint8Array(7))).rejects.toThrow(RangeError);
      await w.write(new Uint8Array(6));
      expect(w.next?.name).toBe('y');
      expect(() => w.finish()).toThrow(/tensor 'y' got 0 of its 8 bytes/);
    } finally {
      await fh.close();
    }
  });

  it('refuses to write specs ggml would refuse', async () => {
    const path = join(tempDir(), 'bad.gguf');
    const bad = (t: { name: string; shape: number[]; typeId: number; data: Uint8Array }) => writeGgufFile(path, new Map(), [t]);
    await expect(bad({ name: 'x', shape: [33], typeId: 8, data: new Uint8Array(34) })).rejects.toMatchObject({ code: 'E_GGUF_SHAPE' });
    await expect(bad({ name: 'x', shape: [32], typeId: 8, data: new Uint8Array(33) })).rejects.toMatchObject({ code: 'E_GGUF_SHAPE' });
    await expect(bad({ name: 'x'.repeat(64), shape: [1], typeId: 0, data: new Uint8Array(4) })).rejects.toMatchObject({ code: 'E_GGUF_LIMIT' });
    await expect(writeGgufFile(path, new Map([['general.alignment', { type: 'uint32', value: 24 }]]), [])).rejects.toMatchObject({ code: 'E_GGUF_ALIGNMENT' });
  });
});
