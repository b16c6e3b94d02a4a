import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../src/formats/json-duplicate-keys.js';
import { checkBuilt, quant, tempDir } from '../helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec } from '../helpers/spec-files.js';
import { headerText, writeRawSafetensors } from './io-files.js';

/*
 * JSON.parse keeps the last of duplicate keys without a word, so a safetensors header naming a tensor twice (or
 * giving an entry two dtypes) was read as whatever came last. Duplicates are found by a key scan of the header's
 * object levels and reported by name (E_DUPLICATE_NAME, exit 4).
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

describe('findDuplicateKey', () => {
  it('finds duplicates at the levels asked for, with the path to them', () => {
    expect(findDuplicateKey('{"a": 1, "b": 2, "a": 3}', 2)).toEqual({ path: [], key: 'a' });
    expect(findDuplicateKey('{"t": {"dtype": "F32", "shape": [], "dtype": "I8"}}', 2)).toEqual({ path: ['t'], key: 'dtype' });
    expect(findDuplicateKey('{"x": {}, "y": {"k": 1, "k": 2}}', 2)).toEqual({ path: ['y'], key: 'k' });
  });

  it('compares decoded keys, so escapes do not hide a duplicate', () => {
    expect(findDuplicateKey('{"a": 1, "\\u0061": 2}', 1)).toEqual({ path: [], key: 'a' });
    expect(findDuplicateKey('{"\\"q\\"": 1, "\\u0022q\\u0022": 2}', 1)).toEqual({ path: [], key: '"q"' });
  });

  it('is not fooled by keys in strings, the same key in sibling objects, arrays, or deeper levels', () => {
    expect(findDuplicateKey('{"m": {"note": "{\\"a\\": 1, \\"a\\": 2}"}, "n": "\\\\"}', 2)).toBeUndefined();
    expect(findDuplicateKey('{"a": {"dtype": 1}, "b": {"dtype": 2}}', 2)).toBeUndefined();
    expect(findDuplicateKey('{"a": [{"k": 1}, {"k": 2}], "b": [[{"z": 1, "z": 2}]]}', 2)).toBeUndefined();
    expect(findDuplicateKey('{"a": {"b": {"c": 1, "c": 2}}}', 2)).toBeUndefined();
    expect(findDuplicateKey('{"a": {"b": {"c": 1, "c": 2}}}', 3)).toEqual({ path: ['a', 'b'], key: 'c' });
    expect(findDuplicateKey('{}', 2)).toBeUndefined();
  });

  it('handles deep nesting without recursion', () => {
    const deep = `{"a": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}, "a": 1}`;
    expect(findDuplicateKey(deep, 2)).toEqual({ path: [], key: 'a' });
  });
});

const f32x2 = bytesOf(Float32Array.of(1, 2));

function refused(headerJson: string, data: Uint8Array, mentions: string[]): void {
  const path = join(tmp.dir, `dup-${Math.random().toString(16).slice(2)}.safetensors`);
  writeRawSafetensors(path, headerJson, data);
  const r = quant(['inspect', path]);
  expect(r.stderr).toContain('[E_DUPLICATE_NAME]');
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.status).toBe(4);
}

describe('duplicate keys in a safetensors header', () => {
  const entry = '{"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}';

  it('a tensor named twice', () => {
    refused(`{"w": ${entry}, "w": ${entry}}`, f32x2, ["tensor 'w'", 'twice']);
  });

  it('a field given twice in one entry', () => {
    refused(`{"w": {"dtype": "I32", "dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}`, f32x2, ["tensor 'w'", "'dtype'"]);
  });

  it('a metadata key given twice, and __metadata__ itself twice', () => {
    refused(`{"__metadata__": {"format": "pt", "format": "np"}, "w": ${entry}}`, f32x2, ["'format'", '__metadata__']);
    refused(`{"__metadata__": {"a": "1"}, "w": ${entry}, "__metadata__": {"b": "2"}}`, f32x2, ["'__metadata__'"]);
  });

  it('a quantkit record with a field given twice', () => {
    const q = join(tmp.dir, 'record.q.safetensors');
    const src = join(tmp.dir, 'record.safetensors');
    writeRawSafetensors(src, `{"w": ${entry}}`, f32x2);
    expect(quant(['quantize', src, '-o', q]).status).toBe(0);
    const file = readSafetensorsSpec(q);
    const record = file.metadata!['quantkit.tensor.w']!;
    const twice = record.replace('"bits":8', '"bits":4,"bits":8');
    expect(twice).not.toBe(record);
    const bad = join(tmp.dir, 'record-twice.safetensors');
    const tensors = [...file.tensors].map(([name, t]) => ({ name, ...t }));
    const data = new Uint8Array(tensors.reduce((s, t) => s + t.bytes.length, 0));
    tensors.reduce((p, t) => (data.set(t.bytes, p), p + t.bytes.length), 0);
    writeRawSafetensors(bad, headerText(tensors, { ...file.metadata, 'quantkit.tensor.w': twice }), data);
    const r = quant(['dequantize', bad, '-o', join(tmp.dir, 'record-back.safetensors')]);
    expect(r.stderr).toContain('[E_DUPLICATE_NAME]');
    expect(r.stderr).toContain("'bits'");
    expect(r.status).toBe(4);
  });

  it('the same key in different entries, or inside a metadata string, is fine', () => {
    const path = join(tmp.dir, 'fine.safetensors');
    writeRawSafetensors(
      path,
      `{"__metadata__": {"note": "{\\"w\\": 1, \\"w\\": 2}"}, "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}`,
      f32x2,
    );
    const r = quant(['inspect', path]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
