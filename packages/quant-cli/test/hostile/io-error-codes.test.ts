import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from '../helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec, writeSafetensorsSpec } from '../helpers/spec-files.js';
import { inputAndQuantized, writeRawNpy } from './io-files.js';

/* Careless input that used to fail with the wrong code: each now has its own stable code and exit status. */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const { input, quantized } = inputAndQuantized(tmp.dir, Float32Array.from({ length: 8 }, (_, i) => i - 3));

describe("-o ''", () => {
  it.each([
    ['quantize', () => [input]],
    ['dequantize', () => [quantized]],
    ['report', () => [input]],
  ])('%s: a usage error, and nothing is written', (command, inputs) => {
    const cwd = tmp.subdir(`empty-output-${command}`);
    const r = quant([command, ...inputs(), '-o', ''], { cwd });
    expect(r.stderr).toContain('[E_USAGE]');
    expect(r.status).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('a quantized file of another format version', () => {
  it('is E_FORMAT_VERSION (exit 5), naming the versions it reads', () => {
    const file = readSafetensorsSpec(quantized);
    const v3 = join(tmp.dir, 'v3.safetensors');
    writeSafetensorsSpec(v3, [...file.tensors].map(([name, t]) => ({ name, ...t })), { ...file.metadata, 'quantkit.format': 'quantkit.safetensors.v3' });
    for (const args of [['dequantize', v3, '-o', join(tmp.dir, 'v3.back.safetensors')], ['inspect', v3]]) {
      const r = quant(args);
      expect(r.stderr).toContain('[E_FORMAT_VERSION]');
      expect(r.stderr).toContain('quantkit.safetensors.v3');
      expect(r.stderr).toContain('quantkit.safetensors.v1');
      expect(r.stderr).toContain('quantkit.safetensors.v2');
      expect(r.status).toBe(5);
    }
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('v3.back'))).toEqual([]);
  });

  it('an unknown format marker is E_FORMAT_VERSION too', () => {
    const file = readSafetensorsSpec(quantized);
    const odd = join(tmp.dir, 'odd.safetensors');
    writeSafetensorsSpec(odd, [...file.tensors].map(([name, t]) => ({ name, ...t })), { ...file.metadata, 'quantkit.format': 'something-else' });
    const r = quant(['inspect', odd]);
    expect(r.stderr).toContain('[E_FORMAT_VERSION]');
    expect(r.stderr).toContain("'something-else'");
    expect(r.status).toBe(5);
  });
});

describe('.npy headers nested or shaped beyond reason', () => {
  const f4 = new Uint8Array(4);
  it.each([
    ['a 5000-deep shape tuple', `{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(5000)}1,${')'.repeat(5000)}, }`, 1],
    ['a 200000-deep list in the header', `{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': ${'['.repeat(200_000)}${']'.repeat(200_000)}}`, 2],
    ['a 65-dimensional shape (numpy allows 64)', `{'descr': '<f4', 'fortran_order': False, 'shape': (${'1, '.repeat(65)}), }`, 1],
  ] as const)('%s is E_HEADER (exit 4)', (_, header, major) => {
    const path = join(tmp.dir, `deep-${header.length}.npy`);
    writeRawNpy(path, header, f4, major);
    const r = quant(['inspect', path]);
    expect(r.stderr).toContain('[E_HEADER]');
    expect(r.stderr).not.toContain('call stack');
    expect(r.status).toBe(4);
  });

  it('a 64-dimensional shape is read', () => {
    const path = join(tmp.dir, 'dims64.npy');
    writeRawNpy(path, `{'descr': '<f4', 'fortran_order': False, 'shape': (${'1, '.repeat(64)}), }`, f4);
    const r = quant(['inspect', path, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).files[0].tensors[0].shape).toHaveLength(64);
  });
});
