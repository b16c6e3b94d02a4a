import { describe, expect, it } from 'vitest';
import { numberToBfloat16, numberToFloat16, widenHalf } from '@quantkit/quant-core';
import { parsePythonLiteral } from '../src/formats/python-literal.js';
import { globToRegExp, nameFilter } from '../src/glob.js';
import { runOrdered } from '../src/pipeline/ordered.js';
import { Progress } from '../src/progress.js';
import { rng } from './helpers/data.js';
import { bf16ToNumber, halfToNumber } from './helpers/spec-files.js';

describe('glob patterns on tensor names', () => {
  it('matches whole names; * crosses dots; classes and ? work; regex characters are literal', () => {
    expect(globToRegExp('*.bias').test('layers.0.attn.bias')).toBe(true);
    expect(globToRegExp('*.bias').test('layers.0.bias_extra')).toBe(false);
    expect(globToRegExp('*norm*').test('model.layernorm.weight')).toBe(true);
    expect(globToRegExp('layer?.w').test('layer1.w')).toBe(true);
    expect(globToRegExp('layer?.w').test('layer12.w')).toBe(false);
    expect(globToRegExp('h.[!0]').test('h.1')).toBe(true);
    expect(globToRegExp('h.[!0]').test('h.0')).toBe(false);
    expect(globToRegExp('a+b(c)').test('a+b(c)')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('include narrows, exclude removes', () => {
    const f = nameFilter(['*.weight'], ['*norm*']);
    expect(['a.weight', 'a.bias', 'norm.weight'].filter(f)).toEqual(['a.weight']);
    expect(nameFilter([], [])('anything')).toBe(true);
  });
});

describe('half and bfloat16 conversions (quant-core\'s, which the CLI reads and writes with)', () => {
  it('decodes every half exactly', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const out = new Float32Array(65536);
    widenHalf(all, 'float16', 0, all.length, out);
    for (let h = 0; h < 65536; h++) {
      const want = halfToNumber(h);
      if (Number.isNaN(want)) expect(Number.isNaN(out[h]!)).toBe(true);
      else expect(Object.is(out[h], want), `0x${h.toString(16)}`).toBe(true);
    }
  });

  it('rounds float32 to the nearest half and bfloat16, ties to even, overflow to infinity', () => {
    const r = rng(9);
    const samples: number[] = [0, -0, 65504, 65519.99, 65520, 1e-8, 2 ** -25, 2 ** -25 * 1.5, 3 * 2 ** -25, 1 + 2 ** -11, 1 + 3 * 2 ** -11, -1e30];
    for (let i = 0; i < 3000; i++) samples.push(Math.fround((r() - 0.5) * 2 ** Math.floor(r() * 60 - 30)));
    const halves = Array.from({ length: 0x7c01 }, (_, h) => halfToNumber(h)); // non-negative finite halves and +Inf
    for (const v of samples) {
      const f = Math.fround(v);
      const h = numberToFloat16(f);
      const a = Math.abs(f);
      // nearest by brute force over all non-negative halves, ties to the even pattern
      let best = 0;
      for (let c = 1; c < 0x7c00; c++) {
        const d = Math.abs(halves[c]! - a);
        const db = Math.abs(halves[best]! - a);
        if (d < db || (d === db && (c & 1) === 0)) best = c;
      }
      const expected = a >= 65520 ? 0x7c00 : best;
      expect(h & 0x7fff, `half of ${f}`).toBe(expected);
      expect(h >> 15, `sign of ${f}`).toBe(f < 0 || Object.is(f, -0) ? 1 : 0);
      const b = numberToBfloat16(f);
      const mag = b & 0x7fff;
      const d = Math.abs(bf16ToNumber(mag) - a);
      const neighbours = [mag - 1, mag + 1].filter((m) => m >= 0 && m < 0x7f80).map((m) => Math.abs(bf16ToNumber(m) - a));
      expect(neighbours.every((n) => d < n || (d === n && (mag & 1) === 0)), `bf16 of ${f}`).toBe(true);
      expect(b >> 15, `bf16 sign of ${f}`).toBe(h >> 15);
    }
    expect(numberToFloat16(NaN) & 0x7e00).toBe(0x7e00);
    expect(Number.isNaN(bf16ToNumber(numberToBfloat16(NaN)))).toBe(true);
  });
});

describe('the .npy header parser', () => {
  it('reads what numpy writes, old Python 2 longs included', () => {
    const h = parsePythonLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }");
    expect(h).toEqual(new Map<string, unknown>([['descr', '<f4'], ['fortran_order', false], ['shape', [3, 4]]]));
    expect((parsePythonLiteral("{'descr': '>f8', 'fortran_order': True, 'shape': (2L, 5L)}") as Map<string, unknown>).get('shape')).toEqual([2, 5]);
    expect((parsePythonLiteral("{'shape': ()}") as Map<string, unknown>).get('shape')).toEqual([]);
    expect(() => parsePythonLiteral("{'descr': '<f4', 'shape': (3,")).toThrow();
    expect(() => parsePythonLiteral("{'descr': __import__('os')}")).toThrow();
  });
});

describe('runOrdered', () => {
  it('consumes in order with at most `concurrency` items prepared ahead', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const consumed: number[] = [];
    await runOrdered(
      [5, 1, 4, 2, 3, 0],
      2,
      async (ms) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, ms * 3));
        inFlight--;
        return ms;
      },
      async (r) => {
        consumed.push(r);
      },
      () => {},
    );
    expect(consumed).toEqual([5, 1, 4, 2, 3, 0]);
    expect(maxInFlight).toBe(2);
  });

  it('stops launching work after a failure and rethrows it', async () => {
    const started: number[] = [];
    const run = runOrdered(
      [0, 1, 2, 3, 4, 5],
      2,
      async (i) => {
        started.push(i);
        if (i === 1) throw new Error('boom');
        return i;
      },
      async () => {},
      () => {},
    );
    await expect(run).rejects.toThrow('boom');
    expect(started.length).toBeLessThanOrEqual(3);
  });
});

describe('progress display', () => {
  it('draws files, tensors, bytes, rate and ETA on one line when enabled, and nothing when disabled', () => {
    const writes: string[] = [];
    const stream = { write: (s: string) => writes.push(s), columns: 200 } as unknown as NodeJS.WriteStream;
    const p = new Progress(true, 2, 0, 0, stream);
    p.addWork(4, 4 << 20);
    p.tensorDone(1 << 20);
    p.fileDone();
    p.finish();
    const text = writes.join('');
    expect(text).toMatch(/files 1\/2 {2}tensors 1\/4 {2}1\.0 MiB\/4\.0 MiB \(25%\) {2}\S+ \S+\/s {2}ETA \S+/);
    expect(text.endsWith('\r\x1b[K')).toBe(true);
    const silent: string[] = [];
    const q = new Progress(false, 1, 1, 1, { write: (s: string) => silent.push(s) } as unknown as NodeJS.WriteStream);
    q.tensorDone(1);
    q.fileDone();
    q.finish();
    expect(silent).toEqual([]);
  });
});
