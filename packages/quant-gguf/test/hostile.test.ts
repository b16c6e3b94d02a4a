import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeGguf, GgufError, openGguf } from '../src/index.js';
import { Raw } from './helpers/raw-gguf.js';
import { useTempDir } from './helpers/temp-dir.js';

const tempDir = useTempDir();

async function codeOf(bytes: Uint8Array, options: { strict?: boolean } = {}): Promise<string> {
  const path = join(tempDir(), 'hostile.gguf');
  writeFileSync(path, bytes);
  try {
    const r = await openGguf(path, options);
    await r.close();
    return 'opened';
  } catch (e) {
    expect(e).toBeInstanceOf(GgufError);
    expect((e as GgufError).file).toBe(path);
    return (e as GgufError).code;
  }
}

/** A well-formed file of one F32 tensor of 8 elements, with its pieces adjustable. */
function oneTensor(o: { offset?: number | bigint; shape?: number[]; type?: number; dataBytes?: number; alignment?: number } = {}): Buffer {
  const raw = new Raw().header(3, 1, o.alignment === undefined ? 0 : 1);
  if (o.alignment !== undefined) raw.kvU32('general.alignment', o.alignment);
  raw.tensorInfo('t', o.shape ?? [8], o.type ?? 0, o.offset ?? 0).pad(o.alignment ?? 32);
  return raw.zeros(o.dataBytes ?? 32).build();
}

describe('hostile input', () => {
  it('accepts the well-formed base case', async () => {
    expect(await codeOf(oneTensor())).toBe('opened');
  });

  it('wrong magic: E_GGUF_MAGIC', async () => {
    expect(await codeOf(Buffer.from('GGML\x03\x00\x00\x00'))).toBe('E_GGUF_MAGIC');
    expect(await codeOf(Buffer.from('PK\x03\x04'))).toBe('E_GGUF_MAGIC');
    expect(await codeOf(Buffer.alloc(0))).toBe('E_GGUF_MAGIC');
  });

  it('versions 1, 0, 4 and big-endian files: E_GGUF_VERSION', async () => {
    for (const v of [1, 0, 4, 0x03000000]) expect(await codeOf(new Raw().header(v, 0, 0).build())).toBe('E_GGUF_VERSION');
  });

  it('a file ending inside the header: E_GGUF_TRUNCATED', async () => {
    const full = new Raw().header(3, 0, 1).kvString('general.name', 'abcdef').build();
    for (const cut of [2, 6, 12, 30, full.length - 1]) expect(await codeOf(full.subarray(0, cut)), `cut at ${cut}`).toBe('E_GGUF_TRUNCATED');
    expect(await codeOf(full)).toBe('opened');
  });

  it('tensor data past the end of the file: E_GGUF_TRUNCATED', async () => {
    expect(await codeOf(oneTensor({ dataBytes: 31 }))).toBe('E_GGUF_TRUNCATED');
    expect(await codeOf(oneTensor({ offset: 1n << 62n }))).toBe('E_GGUF_TRUNCATED');
    expect(await codeOf(oneTensor({ shape: [1 << 20, 1 << 20] }))).toBe('E_GGUF_TRUNCATED');
  });

  it('overlapping tensors: E_GGUF_OVERLAP', async () => {
    const raw = new Raw().header(3, 2, 0).tensorInfo('a', [16], 0, 0).tensorInfo('b', [8], 0, 32).pad().zeros(96);
    expect(await codeOf(raw.build())).toBe('E_GGUF_OVERLAP');
    const same = new Raw().header(3, 2, 0).tensorInfo('a', [8], 0, 0).tensorInfo('b', [8], 0, 0).pad().zeros(32);
    expect(await codeOf(same.build())).toBe('E_GGUF_OVERLAP');
  });

  it('misaligned offsets and bad general.alignment: E_GGUF_ALIGNMENT', async () => {
    expect(await codeOf(oneTensor({ offset: 4, dataBytes: 64 }))).toBe('E_GGUF_ALIGNMENT');
    expect(await codeOf(oneTensor({ offset: 32, alignment: 64, dataBytes: 128 }))).toBe('E_GGUF_ALIGNMENT');
    expect(await codeOf(oneTensor({ alignment: 48 }))).toBe('E_GGUF_ALIGNMENT');
    expect(await codeOf(oneTensor({ alignment: 0 }))).toBe('E_GGUF_ALIGNMENT');
    const notU32 = new Raw().header(3, 0, 1).str('general.alignment').u32(10).u64(32);
    expect(await codeOf(notU32.build())).toBe('E_GGUF_ALIGNMENT');
  });

  it('a string of 2^63 bytes: E_GGUF_LIMIT, before allocating', async () => {
    const key = new Raw().header(3, 0, 1).u64(1n << 63n).zeros(32);
    expect(await codeOf(key.build())).toBe('E_GGUF_LIMIT');
    const value = new Raw().header(3, 0, 1).str('general.name').u32(8).u64(1n << 63n).zeros(32);
    expect(await codeOf(value.build())).toBe('E_GGUF_LIMIT');
    const name = new Raw().header(3, 1, 0).u64((1n << 64n) - 1n).zeros(32);
    expect(await codeOf(name.build())).toBe('E_GGUF_LIMIT');
  });

  it('a string longer than the bytes left: E_GGUF_TRUNCATED, before allocating', async () => {
    const value = new Raw().header(3, 0, 1).str('general.name').u32(8).u64(1 << 29).bytes('short');
    expect(await codeOf(value.build())).toBe('E_GGUF_TRUNCATED');
  });

  it('an array of 2^40 elements: E_GGUF_LIMIT, before allocating', async () => {
    for (const itemType of [0, 8, 9, 10]) {
      const raw = new Raw().header(3, 0, 1).str('tokenizer.ggml.tokens').u32(9).u32(itemType).u64(1n << 40n);
      expect(await codeOf(raw.build()), `item type ${itemType}`).toBe('E_GGUF_LIMIT');
    }
  });

  it('an array longer than the bytes left can hold: E_GGUF_TRUNCATED', async () => {
    const raw = new Raw().header(3, 0, 1).str('tokenizer.ggml.scores').u32(9).u32(6).u64(1 << 20).zeros(100);
    expect(await codeOf(raw.build())).toBe('E_GGUF_TRUNCATED');
  });

  it('tensor and metadata counts beyond any file: E_GGUF_LIMIT / E_GGUF_TRUNCATED', async () => {
    expect(await codeOf(new Raw().header(3, 1n << 62n, 0).build())).toBe('E_GGUF_LIMIT');
    expect(await codeOf(new Raw().header(3, 0, 1n << 62n).build())).toBe('E_GGUF_LIMIT');
    expect(await codeOf(new Raw().header(3, 1000, 0).zeros(100).build())).toBe('E_GGUF_TRUNCATED');
  });

  it('arrays nested too deep: E_GGUF_LIMIT', async () => {
    const raw = new Raw().header(3, 0, 1).str('deep').u32(9);
    for (let i = 0; i < 40; i++) raw.u32(9).u64(1);
    raw.u32(0).u64(0);
    expect(await codeOf(raw.build())).toBe('E_GGUF_LIMIT');
  });

  it('shapes beyond 2^53 elements and names beyond 63 bytes: E_GGUF_LIMIT', async () => {
    expect(await codeOf(oneTensor({ shape: [2 ** 30, 2 ** 30, 2 ** 30] }))).toBe('E_GGUF_LIMIT');
    const longName = new Raw().header(3, 1, 0).tensorInfo('n'.repeat(64), [8], 0, 0).pad().zeros(32);
    expect(await codeOf(longName.build())).toBe('E_GGUF_LIMIT');
  });

  it('duplicate keys and tensor names: E_GGUF_DUPLICATE', async () => {
    const keys = new Raw().header(3, 0, 2).kvU32('a.b', 1).kvU32('a.b', 2);
    expect(await codeOf(keys.build())).toBe('E_GGUF_DUPLICATE');
    const names = new Raw().header(3, 2, 0).tensorInfo('t', [8], 0, 0).tensorInfo('t', [8], 0, 32).pad().zeros(64);
    expect(await codeOf(names.build())).toBe('E_GGUF_DUPLICATE');
  });

  it('unknown value types, and unknown tensor types with strict: E_GGUF_TYPE', async () => {
    expect(await codeOf(new Raw().header(3, 0, 1).str('k').u32(13).u32(0).build())).toBe('E_GGUF_TYPE');
    expect(await codeOf(new Raw().header(3, 0, 1).str('k').u32(9).u32(99).u64(0).build())).toBe('E_GGUF_TYPE');
    expect(await codeOf(oneTensor({ type: 4 }), { strict: true })).toBe('E_GGUF_TYPE');
    expect(await codeOf(oneTensor({ type: 1000 }), { strict: true })).toBe('E_GGUF_TYPE');
  });

  it('unknown tensor types without strict: their span to the next tensor or the end of the file', async () => {
    const path = join(tempDir(), 'unknown.gguf');
    writeFileSync(path, new Raw().header(3, 2, 0).tensorInfo('u', [3], 77, 0).tensorInfo('f', [8], 0, 64).pad().zeros(96).build());
    const s = await describeGguf(path);
    expect(s.tensors.map((t) => [t.name, t.type, t.bytes])).toEqual([
      ['u', 'TYPE_77', 64],
      ['f', 'F32', 32],
    ]);
  });

  it('malformed metadata: E_GGUF_METADATA', async () => {
    expect(await codeOf(new Raw().header(3, 0, 1).str('').u32(4).u32(1).build())).toBe('E_GGUF_METADATA');
    expect(await codeOf(new Raw().header(3, 0, 1).str('flag').u32(7).u8(2).build())).toBe('E_GGUF_METADATA');
    expect(await codeOf(new Raw().header(3, 0, 1).str('bad').u32(8).str(Uint8Array.of(0xc3, 0x28)).build())).toBe('E_GGUF_METADATA');
  });

  it('shapes ggml refuses: E_GGUF_SHAPE', async () => {
    expect(await codeOf(oneTensor({ shape: [1, 1, 1, 1, 8] }))).toBe('E_GGUF_SHAPE');
    expect(await codeOf(oneTensor({ type: 8, shape: [33] }))).toBe('E_GGUF_SHAPE');
  });
});
