import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from '../helpers/run-cli.js';
import { readSafetensorsSpec } from '../helpers/spec-files.js';
import { writeRawSafetensors } from './io-files.js';

/*
 * Size amplification: an empty tensor of shape [0, 2^28] quantized per channel along axis 1 has 2^28 scales and zero
 * points (1.3 GiB) for 0 bytes of data. Parameters larger than max(4 x the tensor's data, 1 MiB) are refused with
 * E_LIMIT (exit 7) unless --allow-large-params is given. (Only an empty tensor can get there: a non-empty one never has
 * more groups than elements.)
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

function emptyTensorFile(name: string, channels: number): string {
  const path = join(tmp.dir, name);
  writeRawSafetensors(path, JSON.stringify({ e: { dtype: 'F32', shape: [0, channels], data_offsets: [0, 0] } }));
  return path;
}

describe('parameters far larger than their data', () => {
  it('an empty tensor with 2^28 channels is refused at once, nothing written', () => {
    const path = emptyTensorFile('huge.safetensors', 2 ** 28);
    const out = join(tmp.dir, 'huge.q.safetensors');
    const r = quant(['quantize', path, '-o', out, '--granularity', 'channel', '--axis', '1']);
    expect(r.stderr).toContain('[E_LIMIT]');
    expect(r.stderr).toContain("tensor 'e'");
    expect(r.stderr).toContain('--allow-large-params');
    expect(r.status).toBe(7);
    expect(existsSync(out)).toBe(false);
  });

  it('inspect refuses to estimate the cost of such a tensor the same way', () => {
    const path = emptyTensorFile('huge-inspect.safetensors', 2 ** 28);
    const r = quant(['inspect', path, '--granularity', 'channel', '--axis', '1']);
    expect(r.stderr).toContain('[E_LIMIT]');
    expect(r.status).toBe(7);
  });

  it('up to 1 MiB of parameters is always allowed; above it --allow-large-params writes them', () => {
    // 2^17 channels: 2^17 x (4 + 1) bytes = 640 KiB of scales and zero points.
    const small = emptyTensorFile('small.safetensors', 2 ** 17);
    const smallOut = join(tmp.dir, 'small.q.safetensors');
    expect(quant(['quantize', small, '-o', smallOut, '--granularity', 'channel', '--axis', '1']).status).toBe(0);
    expect(readSafetensorsSpec(smallOut).tensors.get('e.scale')!.shape).toEqual([2 ** 17]);

    // 2^19 channels: 2.5 MiB.
    const large = emptyTensorFile('large.safetensors', 2 ** 19);
    const largeOut = join(tmp.dir, 'large.q.safetensors');
    const refused = quant(['quantize', large, '-o', largeOut, '--granularity', 'channel', '--axis', '1']);
    expect(refused.stderr).toContain('[E_LIMIT]');
    expect(refused.status).toBe(7);
    const allowed = quant(['quantize', large, '-o', largeOut, '--granularity', 'channel', '--axis', '1', '--allow-large-params']);
    expect(allowed.stderr).toBe('');
    expect(allowed.status).toBe(0);
    expect(readSafetensorsSpec(largeOut).tensors.get('e.scale')!.shape).toEqual([2 ** 19]);
  });
});
