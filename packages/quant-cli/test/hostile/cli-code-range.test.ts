import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, tempDir } from '../helpers/run-cli.js';
import { readSafetensorsSpec } from '../helpers/spec-files.js';
import { f32Tensor, quantWithin } from './cli-files.js';
import { writeSafetensors } from './io-files.js';

/*
 * dequantize did not check codes against the bits and narrow_range a file records: symmetric 8-bit codes relabelled
 * 4-bit dequantized codes up to 127 as if they were 4-bit. The CLI now reads every code of a quantized file against
 * its metadata (dequantize and inspect) and refuses a file whose codes do not fit with E_DTYPE_MISMATCH (exit 4),
 * naming the tensor and the first bad element.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const source = join(tmp.dir, 'model.safetensors');
writeSafetensors(source, [f32Tensor('w', [0, 0.02, -0.03, 1, -1, 0.5, 0.25]), f32Tensor('v', [0.5, -0.25, 0.125])]);

let counter = 0;

function quantized(extra: string[]): string {
  const out = join(tmp.dir, `q-${counter++}.safetensors`);
  const r = quantWithin(['quantize', source, '-o', out, '--scheme', 'symmetric', ...extra]);
  expect(r.status).toBe(0);
  return out;
}

/** The file with the record of tensor 'w' changed by `edit` (and its codes by `editCodes`), everything else kept. */
function relabelled(path: string, edit: (record: Record<string, unknown>) => void, name: string, editCodes?: (codes: Int8Array) => void): { path: string; codes: Int8Array } {
  const file = readSafetensorsSpec(path);
  const metadata = { ...file.metadata! };
  const record = JSON.parse(metadata['quantkit.tensor.w']!) as Record<string, unknown>;
  edit(record);
  metadata['quantkit.tensor.w'] = JSON.stringify(record);
  const w = file.tensors.get('w')!.bytes;
  const codes = new Int8Array(w.buffer, w.byteOffset, w.byteLength);
  editCodes?.(codes);
  const out = join(tmp.dir, name);
  writeSafetensors(out, [...file.tensors].map(([n, t]) => ({ name: n, ...t })), metadata);
  return { path: out, codes };
}

function firstOutside(codes: Int8Array, lo: number, hi: number): number {
  return codes.findIndex((c) => c < lo || c > hi);
}

function expectRefused(path: string, mentions: string[]): void {
  const dir = tmp.subdir();
  for (const args of [['dequantize', path, '-o', join(dir, 'dq.safetensors')], ['inspect', path]]) {
    const r = quantWithin(args);
    expect(r.stderr).toContain(`${path}: tensor 'w': its codes do not fit`);
    for (const m of mentions) expect(r.stderr).toContain(m);
    expect(r.stderr).toContain('[E_DTYPE_MISMATCH]');
    expect(r.status).toBe(4);
  }
  expect(readdirSync(dir)).toEqual([]);
}

describe('codes checked against the recorded bits and narrow_range', () => {
  it('the untouched file dequantizes (the check refuses nothing valid)', () => {
    const path = quantized(['--narrow-range']);
    const r = quantWithin(['dequantize', path, '-o', join(tmp.dir, 'ok.safetensors')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('8-bit codes relabelled 4-bit are refused, naming the first code outside [-8, 7]', () => {
    const { path, codes } = relabelled(quantized([]), (r) => (r.bits = 4), 'relabelled-4bit.safetensors');
    const first = firstOutside(codes, -8, 7);
    expect(first).toBeGreaterThanOrEqual(0);
    expectRefused(path, [`code ${codes[first]} of element ${first} is outside [-8, 7]`, 'symmetric 4-bit']);
  });

  it('code -128 (valid 8-bit) under a narrow_range label is refused', () => {
    // Symmetric minmax maps the largest magnitude to ±127; a clipping calibrator can give -128 (here: written in).
    const { path, codes } = relabelled(quantized([]), (r) => (r.narrow_range = true), 'relabelled-narrow.safetensors', (c) => (c[4] = -128));
    expect(firstOutside(codes, -127, 127)).toBe(4);
    expectRefused(path, ['code -128 of element 4 is outside [-127, 127]', 'narrow-range']);
  });

  it('packed 4-bit codes with padding bits set are refused', () => {
    const path = quantized(['--bits', '4', '--packed']);
    const file = readSafetensorsSpec(path);
    const w = file.tensors.get('w')!; // 7 codes in 4 bytes: the high half of the last byte is padding
    w.bytes[w.bytes.length - 1]! |= 0xf0;
    const broken = join(tmp.dir, 'padding.safetensors');
    writeSafetensors(broken, [...file.tensors].map(([n, t]) => ({ name: n, ...t })), file.metadata);
    expectRefused(broken, ['padding bits']);
  });
});
