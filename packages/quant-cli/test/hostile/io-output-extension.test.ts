import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from '../helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec, writeNpySpec } from '../helpers/spec-files.js';
import { inputAndQuantized } from './io-files.js';

/*
 * `-o out.npy` used to write a safetensors file under that name. An output file's extension must match what is
 * written: .safetensors for quantize and dequantize, .html (or .htm) for report; otherwise E_EXTENSION (exit 2),
 * before anything is read or written. Directory outputs get derived names and are not concerned.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const { input, quantized } = inputAndQuantized(tmp.dir, Float32Array.from({ length: 8 }, (_, i) => i * 0.5));

function expectExtensionRefused(args: string[], output: string, expected: string): void {
  const r = quant([...args, '-o', output]);
  expect(r.stderr).toContain('[E_EXTENSION]');
  expect(r.stderr).toContain(expected);
  expect(r.status).toBe(2);
  expect(existsSync(output)).toBe(false);
}

describe('output extensions', () => {
  it.each(['out.npy', 'out', 'out.safetensors.tmp', 'out.html'])('quantize refuses -o %s', (name) => {
    expectExtensionRefused(['quantize', input], join(tmp.dir, name), '.safetensors');
  });

  it.each(['back.npy', 'back.bin'])('dequantize refuses -o %s', (name) => {
    expectExtensionRefused(['dequantize', quantized], join(tmp.dir, name), '.safetensors');
  });

  it.each(['page.safetensors', 'page.txt'])('report refuses -o %s', (name) => {
    expectExtensionRefused(['report', input], join(tmp.dir, name), '.html');
  });

  it('matching extensions are accepted in any letter case, and directory outputs derive their names', () => {
    expect(quant(['quantize', input, '-o', join(tmp.dir, 'UPPER.SafeTensors')]).status).toBe(0);
    expect(quant(['report', input, '-o', join(tmp.dir, 'page.htm')]).status).toBe(0);
    const npy = join(tmp.dir, 'layer.npy');
    writeNpySpec(npy, { descr: '<f4', fortranOrder: false, shape: [4], data: bytesOf(Float32Array.of(1, 2, 3, 4)) });
    const dir = join(tmp.dir, 'out-dir');
    expect(quant(['quantize', input, npy, '-o', dir]).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['in.safetensors', 'layer.safetensors']);
    expect(readSafetensorsSpec(join(dir, 'layer.safetensors')).tensors.has('layer')).toBe(true);
  });
});
