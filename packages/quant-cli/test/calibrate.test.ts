import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeQuantize, fakeQuantizeWithError, quantize, type QuantizeOptions } from '@quantkit/quant-core';
import { sameBytes } from './helpers/data.js';
import { withOutliers } from './helpers/outliers.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, f32, readSafetensorsSpec, writeSafetensorsSpec } from './helpers/spec-files.js';

/*
 * --calibrate end to end: the range comes from the calibrator (checked bit for bit against the library), it is
 * recorded in the metadata, and the file dequantizes like any other.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

// 4,096 values of std 0.5 and three outliers that stretch a minmax grid ~50x.
const w = withOutliers(32 * 128, 11, { 7: 48, 1000: -41, 3000: 36 });
const wc = withOutliers(8 * 64, 12, { 3: 30, 200: -25 });
const input = join(tmp.dir, 'outliers.safetensors');
writeSafetensorsSpec(input, [
  { name: 'w', dtype: 'F32', shape: [32, 128], bytes: bytesOf(w) },
  { name: 'wc', dtype: 'F32', shape: [8, 64], bytes: bytesOf(wc) },
]);

function record(path: string, name: string): Record<string, unknown> {
  return JSON.parse(readSafetensorsSpec(path).metadata![`quantkit.tensor.${name}`]!) as Record<string, unknown>;
}

function scaleOf(path: string, name: string): Float32Array {
  return f32(readSafetensorsSpec(path).tensors.get(`${name}.scale`)!.bytes);
}

describe('quant quantize --calibrate', () => {
  const minmaxPath = join(tmp.dir, 'minmax.safetensors');
  const percentilePath = join(tmp.dir, 'p99.safetensors');

  it('percentile:99 gives a smaller scale than minmax on data with outliers, exactly the library calibrator', () => {
    const a = quant(['quantize', input, '-o', minmaxPath, '--include', 'w', '--scheme', 'symmetric']);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const b = quant(['quantize', input, '-o', percentilePath, '--include', 'w', '--scheme', 'symmetric', '--calibrate', 'percentile:99']);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);

    const minmaxScale = scaleOf(minmaxPath, 'w')[0]!;
    const percentileScale = scaleOf(percentilePath, 'w')[0]!;
    expect(minmaxScale).toBe(Math.fround(48 / 127));
    expect(percentileScale).toBeLessThan(minmaxScale / 10); // the bulk's 99th percentile of |x| is ~1.3

    const options: QuantizeOptions = { scheme: 'symmetric', shape: [32, 128], range: { method: 'percentile', percentile: 99 } };
    const qt = quantize(w, options);
    const out = readSafetensorsSpec(percentilePath);
    expect(percentileScale).toBe(Math.fround(qt.scale as number));
    expect(sameBytes(out.tensors.get('w')!.bytes, bytesOf(qt.data))).toBe(true);
    expect(record(percentilePath, 'w')).toMatchObject({ scheme: 'symmetric', bits: 8, calibration: 'percentile:99' });
    expect(record(minmaxPath, 'w').calibration).toBe('minmax');
    // Not quantized (--include w): no record.
    expect(out.metadata!['quantkit.tensor.wc']).toBeUndefined();
  });

  it('the calibrated file dequantizes to the library fakeQuantize with that calibrator', () => {
    const dq = join(tmp.dir, 'p99.dq.safetensors');
    const r = quant(['dequantize', percentilePath, '-o', dq]);
    expect(r.status).toBe(0);
    const expected = fakeQuantize(w, { scheme: 'symmetric', shape: [32, 128], range: { method: 'percentile', percentile: 99 } });
    expect(sameBytes(readSafetensorsSpec(dq).tensors.get('w')!.bytes, bytesOf(expected))).toBe(true);
  });

  it('reads files without a calibration key (written before it existed) and refuses a malformed one', () => {
    const original = readSafetensorsSpec(percentilePath);
    const rewrite = (name: string, calibration: unknown): string => {
      const rec = { ...record(percentilePath, 'w'), calibration };
      if (calibration === undefined) delete (rec as Record<string, unknown>).calibration;
      const path = join(tmp.dir, name);
      const tensors = [...original.tensors].map(([n, t]) => ({ name: n, ...t }));
      writeSafetensorsSpec(path, tensors, { ...original.metadata, 'quantkit.tensor.w': JSON.stringify(rec) });
      return path;
    };
    const old = quant(['dequantize', rewrite('old.safetensors', undefined), '-o', join(tmp.dir, 'old.dq.safetensors')]);
    expect(old.stderr).toBe('');
    expect(old.status).toBe(0);
    const bad = quant(['dequantize', rewrite('bad.safetensors', 99), '-o', join(tmp.dir, 'bad.dq.safetensors')]);
    expect(bad.status).toBe(4);
    expect(bad.stderr).toContain("invalid 'calibration': 99 [E_HEADER]");
  });

  it('calibrates every channel on its own (mse, 4-bit packed, per channel)', () => {
    const path = join(tmp.dir, 'mse-channel.safetensors');
    const r = quant(['quantize', input, '-o', path, '--include', 'wc', '--bits', '4', '--packed', '--granularity', 'channel', '--calibrate', 'mse']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const qt = quantize(wc, { bits: 4, packed: true, granularity: { axis: 0 }, shape: [8, 64], range: { method: 'mse' } });
    const out = readSafetensorsSpec(path);
    expect(sameBytes(out.tensors.get('wc')!.bytes, bytesOf(qt.data))).toBe(true);
    expect(sameBytes(out.tensors.get('wc.scale')!.bytes, bytesOf(Float32Array.from(qt.scale as ArrayLike<number>)))).toBe(true);
    expect(record(path, 'wc')).toMatchObject({ granularity: 'channel', axis: 0, packed: true, calibration: 'mse' });
  });

  it('inspect estimates the cost with the calibrator and shows it for quantized files', () => {
    const r = quant(['inspect', input, '--include', 'w', '--scheme', 'symmetric', '--calibrate', 'percentile:99', '--json']);
    expect(r.status).toBe(0);
    const tensors = (JSON.parse(r.stdout) as { files: { tensors: { name: string; cost: { mse: number; maxAbs: number } | null }[] }[] }).files[0]!.tensors;
    const expected = fakeQuantizeWithError(w, { scheme: 'symmetric', shape: [32, 128], range: { method: 'percentile', percentile: 99 } }).error;
    expect(tensors.find((t) => t.name === 'w')!.cost).toMatchObject({ mse: expected.mse, maxAbs: expected.maxAbs });
    expect(tensors.find((t) => t.name === 'wc')!.cost).toBeNull();

    const shown = quant(['inspect', percentilePath]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/^w .*symmetric 8-bit per-tensor percentile:99 from F32/m);
  });

  it('an invalid spec is a usage error naming --calibrate, before any output is written', () => {
    const outDir = join(tmp.dir, 'refused');
    for (const spec of ['percentile:101', 'median', 'entropy:bins=1', 'mse:refine=maybe']) {
      const r = quant(['quantize', input, '-o', join(outDir, 'x.safetensors'), '--calibrate', spec]);
      expect(r.status, spec).toBe(2);
      expect(r.stderr, spec).toContain(`--calibrate '${spec}'`);
      expect(r.stderr, spec).toContain('[E_USAGE]');
    }
    expect(() => readdirSync(outDir)).toThrow(); // never created
  });
});
