import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomF32 } from '../helpers/data.js';
import { checkBuilt, quant, tempDir } from '../helpers/run-cli.js';
import { bytesOf, f32, readSafetensorsSpec, writeNpySpec } from '../helpers/spec-files.js';
import { writeRawSafetensors, writeSafetensors } from './io-files.js';

/*
 * Names that mean something to JavaScript objects are ordinary tensor names to safetensors: every one must survive
 * quantize -> dequantize, in the tensors and in the metadata. A header built on a plain object used to drop
 * `__proto__` silently (assigning it sets the prototype), leaving a file quant itself then refused.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const SPECIAL = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'prototype'];
const SHAPE = [4, 8];
const originals = new Map(SPECIAL.map((name, i) => [name, randomF32(32, 100 + i)]));
const has = (o: object | undefined, key: string): boolean => o !== undefined && Object.hasOwn(o, key);

describe('tensor and metadata names special to JavaScript objects', () => {
  it('round-trip through quantize, inspect and dequantize', () => {
    const input = join(tmp.dir, 'special.safetensors');
    const ints = Int32Array.of(1, -2, 3);
    // A null-prototype object, so the metadata carries the key '__proto__' itself.
    writeSafetensors(
      input,
      [...SPECIAL.map((name) => ({ name, dtype: 'F32', shape: SHAPE, bytes: bytesOf(originals.get(name)!) })), { name: 'propertyIsEnumerable', dtype: 'I32', shape: [3], bytes: bytesOf(ints) }],
      Object.assign(Object.create(null) as Record<string, string>, { ['__proto__']: 'kept', format: 'pt' }),
    );

    const q = join(tmp.dir, 'special.q.safetensors');
    const r = quant(['quantize', input, '-o', q, '--granularity', 'channel']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const quantized = readSafetensorsSpec(q);
    for (const name of SPECIAL) {
      for (const t of [name, `${name}.scale`, `${name}.zero_point`]) expect(quantized.tensors.has(t), t).toBe(true);
      expect(has(quantized.metadata, `quantkit.tensor.${name}`), name).toBe(true);
    }
    expect(Object.getOwnPropertyDescriptor(quantized.metadata, '__proto__')?.value).toBe('kept');

    const listed = quant(['inspect', q]);
    expect(listed.status).toBe(0);
    for (const name of SPECIAL) expect(listed.stdout).toContain(name);

    const back = join(tmp.dir, 'special.back.safetensors');
    expect(quant(['dequantize', q, '-o', back]).status).toBe(0);
    const restored = readSafetensorsSpec(back);
    expect([...restored.tensors.keys()].sort()).toEqual([...SPECIAL, 'propertyIsEnumerable'].sort());
    expect(Object.getOwnPropertyDescriptor(restored.metadata, '__proto__')?.value).toBe('kept');
    for (const name of SPECIAL) {
      const t = restored.tensors.get(name)!;
      expect(t.dtype).toBe('F32');
      expect(t.shape).toEqual(SHAPE);
      const scales = f32(quantized.tensors.get(`${name}.scale`)!.bytes);
      const x = originals.get(name)!;
      const dq = f32(t.bytes);
      // Each value comes back within half a step of its channel's grid.
      for (let i = 0; i < x.length; i++) expect(Math.abs(dq[i]! - x[i]!), `${name}[${i}]`).toBeLessThanOrEqual(scales[Math.floor(i / SHAPE[1]!)]! * 0.5001);
    }
    expect([...restored.tensors.get('propertyIsEnumerable')!.bytes]).toEqual([...bytesOf(ints)]);
  });

  it('a .npy file named after one becomes a tensor of that name', () => {
    const a = join(tmp.dir, '__proto__.npy');
    const b = join(tmp.dir, 'constructor.npy');
    writeNpySpec(a, { descr: '<f4', fortranOrder: false, shape: [6], data: bytesOf(randomF32(6, 7)) });
    writeNpySpec(b, { descr: '<f4', fortranOrder: false, shape: [6], data: bytesOf(randomF32(6, 8)) });
    const out = join(tmp.dir, 'npy-bundle.safetensors');
    expect(quant(['quantize', a, b, '-o', out]).status).toBe(0);
    expect([...readSafetensorsSpec(out).tensors.keys()].sort()).toEqual(['__proto__', '__proto__.scale', '__proto__.zero_point', 'constructor', 'constructor.scale', 'constructor.zero_point']);
  });

  it("'__metadata__' is reserved by safetensors: a tensor of that name is refused with a reason", () => {
    const npy = join(tmp.dir, '__metadata__.npy');
    writeNpySpec(npy, { descr: '<f4', fortranOrder: false, shape: [2], data: bytesOf(Float32Array.of(1, 2)) });
    const out = join(tmp.dir, 'meta-name.safetensors');
    const r = quant(['quantize', npy, '-o', out]);
    expect(r.status).toBe(4);
    expect(r.stderr).toContain('[E_DUPLICATE_NAME]');
    expect(r.stderr).toContain('is reserved by the safetensors format');
    expect(existsSync(out)).toBe(false);
  });

  it.each(['constructor', '__proto__', 'toString'])("a dtype named '%s' is an unsupported dtype, not a size", (dtype) => {
    const path = join(tmp.dir, `dtype-${dtype}.safetensors`);
    writeRawSafetensors(path, JSON.stringify({ w: { dtype, shape: [2], data_offsets: [0, 8] } }), new Uint8Array(8));
    const r = quant(['inspect', path]);
    expect(r.stderr).toContain('[E_UNSUPPORTED_DTYPE]');
    expect(r.stderr).toContain(`'${dtype}'`);
    expect(r.status).toBe(5);
  });
});
