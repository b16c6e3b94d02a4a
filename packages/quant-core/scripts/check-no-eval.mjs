#!/usr/bin/env node
/*
 * The reference core's checks without code generation from strings:
 *
 *   node --disallow-code-generation-from-strings scripts/check-no-eval.mjs [distDir]
 *
 * Runtimes that forbid eval (a page with a CSP without 'unsafe-eval', Cloudflare Workers, this Node flag) must run
 * every reference kernel. Vitest itself compiles code from strings, so this is a plain Node script: it imports the
 * built package (dist/index.js, or distDir/index.js), drives quantize, dequantize, fakeQuantize, computeQParams,
 * calibration and every kernel of the kernel API on every input and output array class and both profiles, compares
 * each result with known values (the ONNX backend test vectors of quant-conformance/corpus/onnx-qdq.json, the seed
 * notebook's printed numbers, hand-checked cases, and an element-by-element transcription of docs/SPEC.md written
 * here without any of the package's code), and exits non-zero on any mismatch or exception. `pnpm test` runs it
 * after vitest; run against the reference before it became eval-free, every kernel section fails with an EvalError.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The check means nothing if strings can still be compiled.
let codeGenerationAllowed = true;
try {
  Function('return 1');
} catch {
  codeGenerationAllowed = false;
}
if (codeGenerationAllowed) {
  console.error('check-no-eval: run me with `node --disallow-code-generation-from-strings`');
  process.exit(2);
}

const entry = process.argv[2] ? pathToFileURL(resolve(process.argv[2], 'index.js')).href : new URL('../dist/index.js', import.meta.url).href;
const core = await import(entry);
const { kernels, quantize, dequantize, fakeQuantize, fakeQuantizeWithError, computeQParams, calibrateRange, createObserver, histogram, absHistogram } = core;

let checks = 0;
const failures = [];

/** Runs one named section; an exception (an EvalError, say) is a failure of that section, not the end of the run. */
function section(name, fn) {
  try {
    fn();
  } catch (e) {
    failures.push(`${name}: threw ${e?.name ?? 'error'}: ${e?.message ?? String(e)}`);
  }
}

/** Element-wise equality with Object.is on values (so -0 and NaN are exact), unless loose zeros are asked for. */
function expectArray(name, actual, expected, { zeroSign = true } = {}) {
  checks++;
  if (actual.length !== expected.length) {
    failures.push(`${name}: length ${actual.length}, expected ${expected.length}`);
    return;
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (zeroSign ? !Object.is(a, e) : !(a === e || (Number.isNaN(a) && Number.isNaN(e)))) {
      failures.push(`${name}: [${i}] = ${a}, expected ${e}`);
      return;
    }
  }
}

function expectEqual(name, actual, expected) {
  checks++;
  if (!Object.is(actual, expected)) failures.push(`${name}: ${actual}, expected ${expected}`);
}

function expectClose(name, actual, expected, rel = 1e-12) {
  checks++;
  const ok = actual === expected || Math.abs(actual - expected) <= rel * Math.max(Math.abs(actual), Math.abs(expected));
  if (!ok) failures.push(`${name}: ${actual}, expected ${expected}`);
}

function expectClass(name, value, Ctor) {
  checks++;
  if (!(value instanceof Ctor)) failures.push(`${name}: a ${value?.constructor?.name}, expected a ${Ctor.name}`);
}

// ---------------------------------------------------------------------------------------------------------------
// docs/SPEC.md, transcribed element by element (deliberately not the package's loops: no rounding trick, no clamp
// by comparison, Math.min/Math.max and an explicit tie rule instead).

/** Round half to even, written out. */
function rne(v) {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** §2: the code of one element. */
function specQuantize(x, s, zp, qmin, qmax, single, profile) {
  const fl = single ? Math.fround : (v) => v;
  const sf = fl(s);
  const t = profile === 'onnx' ? fl(x / sf) : fl(x * fl(1 / sf));
  if (Number.isNaN(t)) return qmin;
  return rne(Math.min(Math.max(t, qmin - zp), qmax - zp)) + zp;
}

/** §4: the group of every element of an [outer, D, inner] tensor (blockSize 0: per axis). */
function groupsOf(outer, D, inner, blockSize) {
  const g = [];
  const blocks = blockSize ? Math.ceil(D / blockSize) : 0;
  for (let o = 0; o < outer; o++) {
    for (let d = 0; d < D; d++) {
      for (let i = 0; i < inner; i++) g.push(blockSize ? (o * blocks + Math.floor(d / blockSize)) * inner + i : d);
    }
  }
  return g;
}

/** §10: the histogram of xs over [min, max] added to counts (a plain array of numbers). */
function specHistogram(xs, min, max, counts, abs) {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  for (const x of xs) {
    const v = abs ? Math.abs(x) : x;
    if (v >= min && v <= max) counts[Math.min(((v - min) * f) | 0, n - 1)] += 1;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs: deterministic, with the values the contract is about (ties, NaN, ±Infinity, ±0, huge, tiny).

// A fixed input sequence (an LCG), not the tests' seeded generator: this script runs on the built package alone, and
// the calibration ranges below are pinned to the inputs it makes.
let seed = 0x2545f491;
function random() {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}

function values(n, s) {
  const v = [];
  for (let i = 0; i < n; i++) {
    const r = random();
    const k = Math.floor(random() * 600) - 300;
    switch (i % 10) {
      case 0:
        v.push((k + 0.5) * s); // an exact tie (for the float64 precision; near one for float32)
        break;
      case 1:
        v.push([NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 1e-40, -1e-310, 2 ** 40][Math.floor(r * 10)]);
        break;
      default:
        v.push((r - 0.5) * 400 * s);
    }
  }
  return v;
}

const FLOATS = [Float32Array, Float64Array];
const CODES = [
  { Ctor: Int8Array, qmin: -128, qmax: 127, zp: -3 },
  { Ctor: Uint8Array, qmin: 0, qmax: 255, zp: 128 },
  { Ctor: Int16Array, qmin: -32768, qmax: 32767, zp: 100 },
  { Ctor: Uint16Array, qmin: 0, qmax: 65535, zp: 30000 },
];
/** Narrower intervals inside each array (4-bit and narrow-range codes in an 8-bit array, 12 bits in 16). */
const NARROW = { Int8Array: [-7, 7], Uint8Array: [1, 15], Int16Array: [-2048, 2047], Uint16Array: [0, 4095] };
const PROFILES = ['onnx', 'pytorch'];
const LAYOUTS = [
  { kind: 'axis', outer: 3, D: 5, inner: 1, blockSize: 0 },
  { kind: 'axis', outer: 2, D: 3, inner: 4, blockSize: 0 },
  { kind: 'blocked', outer: 2, D: 7, inner: 1, blockSize: 3 },
  { kind: 'blocked', outer: 2, D: 5, inner: 3, blockSize: 2 },
  { kind: 'blocked', outer: 1, D: 4, inner: 2, blockSize: 9 },
];

function groupParams(count, Scales, qmin, qmax) {
  const scales = new Scales(count);
  const zps = new Int32Array(count);
  for (let g = 0; g < count; g++) {
    scales[g] = 0.01 + 0.37 * g + random() * 0.05;
    zps[g] = qmin + Math.floor(random() * (qmax - qmin + 1));
  }
  return { scales, zps };
}

// ---------------------------------------------------------------------------------------------------------------
// Every quantize kernel: input class x output class x profile (x scale class x layout), full and narrow intervals.

for (const X of FLOATS) {
  for (const { Ctor, qmin: fullMin, qmax: fullMax, zp: fullZp } of CODES) {
    for (const profile of PROFILES) {
      for (const [qmin, qmax, zp] of [[fullMin, fullMax, fullZp], [...NARROW[Ctor.name], NARROW[Ctor.name][0] + 1]]) {
        const tag = `${X.name}->${Ctor.name} ${profile} [${qmin}, ${qmax}]`;
        const spec = { qmin, qmax, profile };
        const single = X === Float32Array;
        section(`quantizeTensor ${tag}`, () => {
          for (const n of [0, 1, 7, 1001]) {
            const s = 0.0371;
            const x = new X(values(n, s));
            const out = new Ctor(n);
            kernels.quantizeTensor(x, s, zp, spec, out);
            expectArray(`quantizeTensor ${tag} n=${n}`, out, Array.from(x, (v) => specQuantize(v, s, zp, qmin, qmax, single, profile)));
          }
        });
        for (const Scales of FLOATS) {
          for (const l of LAYOUTS) {
            const name = `quantize ${l.kind} ${l.outer}x${l.D}x${l.inner}${l.blockSize ? `/${l.blockSize}` : ''} ${tag} scales ${Scales.name}`;
            section(name, () => {
              const groups = l.blockSize ? l.outer * Math.ceil(l.D / l.blockSize) * l.inner : l.D;
              const { scales, zps } = groupParams(groups, Scales, qmin, qmax);
              const x = new X(values(l.outer * l.D * l.inner, 0.1));
              const out = new Ctor(x.length);
              if (l.blockSize) kernels.quantizeBlocked(x, scales, zps, { outer: l.outer, dim: l.D, inner: l.inner, blockSize: l.blockSize }, spec, out);
              else kernels.quantizeAxis(x, scales, zps, { outer: l.outer, channels: l.D, inner: l.inner }, spec, out);
              const g = groupsOf(l.outer, l.D, l.inner, l.blockSize);
              expectArray(name, out, Array.from(x, (v, i) => specQuantize(v, scales[g[i]], zps[g[i]], qmin, qmax, single, profile)));
            });
          }
        }
      }
    }
  }
}

// Every dequantize kernel: code class x output class (x scale class x layout).
for (const { Ctor, qmin, qmax } of CODES) {
  for (const Out of FLOATS) {
    const tag = `${Ctor.name}->${Out.name}`;
    section(`dequantizeTensor ${tag}`, () => {
      const q = new Ctor(777);
      for (let i = 0; i < q.length; i++) q[i] = qmin + Math.floor(random() * (qmax - qmin + 1));
      for (const [s, zp] of [[0.0371, qmin + 3], [Math.fround(0.1), qmax], [1e-30, 0]]) {
        const out = new Out(q.length);
        kernels.dequantizeTensor(q, s, zp, out);
        expectArray(`dequantizeTensor ${tag} s=${s}`, out, Array.from(q, (v) => (Out === Float32Array ? Math.fround((v - zp) * s) : (v - zp) * s)));
      }
    });
    for (const Scales of FLOATS) {
      for (const l of LAYOUTS) {
        const name = `dequantize ${l.kind} ${l.outer}x${l.D}x${l.inner}${l.blockSize ? `/${l.blockSize}` : ''} ${tag} scales ${Scales.name}`;
        section(name, () => {
          const groups = l.blockSize ? l.outer * Math.ceil(l.D / l.blockSize) * l.inner : l.D;
          const { scales, zps } = groupParams(groups, Scales, qmin, qmax);
          const q = new Ctor(l.outer * l.D * l.inner);
          for (let i = 0; i < q.length; i++) q[i] = qmin + Math.floor(random() * (qmax - qmin + 1));
          const out = new Out(q.length);
          if (l.blockSize) kernels.dequantizeBlocked(q, scales, zps, { outer: l.outer, dim: l.D, inner: l.inner, blockSize: l.blockSize }, out);
          else kernels.dequantizeAxis(q, scales, zps, { outer: l.outer, channels: l.D, inner: l.inner }, out);
          const g = groupsOf(l.outer, l.D, l.inner, l.blockSize);
          const exact = Array.from(q, (v, i) => (v - zps[g[i]]) * scales[g[i]]);
          expectArray(name, out, Out === Float32Array ? exact.map(Math.fround) : exact);
        });
      }
    }
  }
}

// fakeQuantizeTensor: quantize then dequantize in the input's precision, and the metrics of §6.
for (const X of FLOATS) {
  for (const profile of PROFILES) {
    for (const [qmin, qmax, zp] of [[0, 255, 77], [-8, 7, 0], [-32768, 32767, -5]]) {
      const name = `fakeQuantizeTensor ${X.name} ${profile} [${qmin}, ${qmax}]`;
      section(name, () => {
        const s = 0.0371;
        const single = X === Float32Array;
        // Finite values only, so that the metrics are finite; longer than one internal chunk.
        const x = new X(values(9001, s).map((v) => (Number.isFinite(v) && Math.abs(v) < 1e6 ? v : 0.25)));
        const out = new X(x.length);
        const report = kernels.fakeQuantizeTensor(x, s, zp, { qmin, qmax, profile }, out);
        const sf = single ? Math.fround(s) : s;
        const expected = Array.from(x, (v) => (specQuantize(v, s, zp, qmin, qmax, single, profile) - zp) * sf);
        expectArray(name, out, single ? expected.map(Math.fround) : expected);
        let se = 0;
        let sr = 0;
        for (let i = 0; i < x.length; i++) {
          se += (x[i] - out[i]) ** 2;
          sr += x[i] * x[i];
        }
        expectClose(`${name} mse`, report.mse, se / x.length, 1e-9);
        expectClose(`${name} sqnrDb`, report.sqnrDb, 10 * Math.log10(sr / se), 1e-9);
      });
    }
  }
}

// Reductions, packing and histograms on both input classes.
for (const X of FLOATS) {
  section(`reductions ${X.name}`, () => {
    const x = new X([3, NaN, -7.5, 2, Infinity, -0.25, NaN, 11, -Infinity, 4, 5, -6]);
    const mm = kernels.minMax(x);
    expectEqual(`minMax ${X.name} min`, mm.min, -Infinity);
    expectEqual(`minMax ${X.name} max`, mm.max, Infinity);
    const finite = new X([3, NaN, -7.5, 2, -0.25, 11]);
    expectEqual(`absMax ${X.name}`, kernels.absMax(finite), 11);
    expectEqual(`absMax empty ${X.name}`, kernels.absMax(new X(0)), 0);
    const empty = kernels.minMax(new X([NaN, NaN]));
    expectEqual(`minMax all-NaN ${X.name}`, `${empty.min} ${empty.max}`, 'Infinity -Infinity');
    // [2, 3, 2]: channels along the middle axis.
    const y = new X([1, -2, 3, NaN, -5, 6, 7, 8, -9, 10, 11, -12]);
    const cmin = new Float64Array(3);
    const cmax = new Float64Array(3);
    kernels.minMaxAxis(y, { outer: 2, channels: 3, inner: 2 }, cmin, cmax);
    expectArray(`minMaxAxis ${X.name} min`, cmin, [-2, -9, -12], { zeroSign: false });
    expectArray(`minMaxAxis ${X.name} max`, cmax, [8, 10, 11], { zeroSign: false });
  });
  section(`minMaxBlocked ${X.name}`, () => {
    const y = new X([1, -2, 3, NaN, -5, 6, 7, 8, -9, 10, 11, -12]);
    const bmin = new Float64Array(8);
    const bmax = new Float64Array(8);
    kernels.minMaxBlocked(y, { outer: 2, dim: 3, inner: 2, blockSize: 2 }, bmin, bmax);
    expectArray(`minMaxBlocked ${X.name} min`, bmin, [1, -2, -5, 6, -9, 8, 11, -12], { zeroSign: false });
    expectArray(`minMaxBlocked ${X.name} max`, bmax, [3, -2, -5, 6, 7, 10, 11, -12], { zeroSign: false });
  });
  for (const Counts of [Uint32Array, Float64Array]) {
    for (const abs of [false, true]) {
      const name = `${abs ? 'absHistogram' : 'histogram'} ${X.name} counts ${Counts.name}`;
      section(name, () => {
        const x = new X(values(5000, 0.05));
        for (const [min, max, n] of [[abs ? 0 : -4, 4, 64], [0.5, 0.5, 3], [abs ? 1 : -1, 2.5, 1]]) {
          const counts = new Counts(n);
          counts[0] = 5; // histograms add to what is there
          kernels[abs ? 'absHistogram' : 'histogram'](x, min, max, counts);
          const expected = specHistogram(Array.from(x), min, max, Array.from({ length: n }, (_, i) => (i === 0 ? 5 : 0)), abs);
          expectArray(`${name} [${min}, ${max}] x${n}`, counts, expected);
          // The public functions are the same kernels behind validation.
          const again = new Counts(n);
          (abs ? absHistogram : histogram)(x, min, max, again);
          expected[0] -= 5;
          expectArray(`${name} public [${min}, ${max}] x${n}`, again, expected);
        }
      });
    }
  }
}

section('pack / unpack', () => {
  for (const bits of [2, 4]) {
    for (const signed of [false, true]) {
      const lo = signed ? -(1 << (bits - 1)) : 0;
      const hi = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
      for (const n of [0, 1, 3, 5, 8, 33]) {
        const q = signed ? new Int8Array(n) : new Uint8Array(n);
        for (let i = 0; i < n; i++) q[i] = lo + ((i * 7 + 3) % (hi - lo + 1));
        const packed = new Uint8Array(Math.ceil((n * bits) / 8));
        kernels.pack(q, bits, packed);
        const expected = new Uint8Array(packed.length);
        for (let i = 0; i < n; i++) expected[Math.floor((i * bits) / 8)] |= (q[i] & ((1 << bits) - 1)) << ((i * bits) % 8);
        expectArray(`pack ${bits} ${signed} n=${n}`, packed, expected);
        const back = signed ? new Int8Array(n) : new Uint8Array(n);
        kernels.unpack(packed, bits, signed, back);
        expectArray(`unpack ${bits} ${signed} n=${n}`, back, q);
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// The public API on known values.

const INT_TYPES = {
  int8: { scheme: 'symmetric', bits: 8, packed: false, Ctor: Int8Array },
  uint8: { scheme: 'affine', bits: 8, packed: false, Ctor: Uint8Array },
  int16: { scheme: 'symmetric', bits: 16, packed: false, Ctor: Int16Array },
  uint16: { scheme: 'affine', bits: 16, packed: false, Ctor: Uint16Array },
  int4: { scheme: 'symmetric', bits: 4, packed: true },
  uint4: { scheme: 'affine', bits: 4, packed: true },
  int2: { scheme: 'symmetric', bits: 2, packed: true },
  uint2: { scheme: 'affine', bits: 2, packed: true },
};
// The upstream ONNX vectors: @quantkit/quant-conformance's corpus file (formerly test/fixtures/onnx-qdq.json here).
const vectors = [new URL('../../quant-conformance/corpus/onnx-qdq.json', import.meta.url), new URL('../test/fixtures/onnx-qdq.json', import.meta.url)].find((u) => existsSync(u));
if (!vectors) {
  console.error('check-no-eval: the ONNX vectors (packages/quant-conformance/corpus/onnx-qdq.json) are missing');
  process.exit(1);
}
const cases = JSON.parse(readFileSync(vectors, 'utf8')).cases;

function granularityOf(c) {
  const scaleSize = c.inputs.scale.shape.reduce((a, b) => a * b, 1);
  if (scaleSize === 1 && c.inputs.scale.shape.length <= 1) return 'tensor';
  const axis = c.attributes.axis ?? 1;
  return c.attributes.block_size ? { axis, blockSize: c.attributes.block_size } : { axis };
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

let onnxCases = 0;
for (const c of cases) {
  const intType = c.op === 'QuantizeLinear' ? c.output.dtype : c.op === 'DequantizeLinear' ? c.inputs.x.dtype : undefined;
  const t = INT_TYPES[intType];
  if (c.op === 'DynamicQuantizeLinear') {
    section(c.name, () => {
      const x = new Float32Array(c.inputs.x.data);
      const p = computeQParams(x, { scheme: 'affine', bits: 8 });
      expectEqual(`${c.name} scale`, p.scale, c.output.y_scale.data[0]);
      expectEqual(`${c.name} zeroPoint`, p.zeroPoint, c.output.y_zero_point.data[0]);
      expectArray(`${c.name} codes`, quantize(x, { scheme: 'affine', bits: 8 }).data, c.output.y.data);
      onnxCases++;
    });
    continue;
  }
  if (!t) continue;
  const granularity = granularityOf(c);
  const perTensor = granularity === 'tensor';
  const zp = c.inputs.zero_point?.data;
  const opts = {
    scheme: t.scheme,
    bits: t.bits,
    packed: t.packed,
    granularity,
    shape: c.inputs.x.shape,
    scale: perTensor ? c.inputs.scale.data[0] : c.inputs.scale.data,
    ...(zp ? { zeroPoint: perTensor ? zp[0] : zp } : {}),
  };
  section(c.name, () => {
    onnxCases++;
    if (c.op === 'QuantizeLinear') {
      const qt = quantize(new Float32Array(c.inputs.x.data), opts);
      if (t.packed) {
        expectEqual(`${c.name} packed bytes`, hex(qt.data), c.output.packed_hex);
        const codes = t.scheme === 'symmetric' ? new Int8Array(c.output.data.length) : new Uint8Array(c.output.data.length);
        kernels.unpack(qt.data, t.bits, t.scheme === 'symmetric', codes);
        expectArray(`${c.name} codes`, codes, c.output.data);
      } else {
        expectClass(`${c.name} codes`, qt.data, t.Ctor);
        expectArray(`${c.name} codes`, qt.data, c.output.data);
      }
      return;
    }
    const data = t.packed ? new Uint8Array(Buffer.from(c.inputs.x.packed_hex, 'hex')) : new t.Ctor(c.inputs.x.data);
    const groups = c.inputs.scale.data.length;
    const out = dequantize({
      data,
      scale: perTensor ? opts.scale : new Float32Array(opts.scale),
      zeroPoint: perTensor ? (opts.zeroPoint ?? 0) : new Int32Array(opts.zeroPoint ?? groups),
      scheme: t.scheme,
      bits: t.bits,
      shape: c.inputs.x.shape,
      ...(perTensor ? {} : granularity),
      packed: t.packed,
      narrowRange: false,
      profile: 'onnx',
      dtype: 'float32',
    });
    expectClass(`${c.name} output`, out, Float32Array);
    expectArray(`${c.name} values`, out, c.output.data);
  });
}
expectEqual('ONNX cases run', onnxCases, 22);

// The seed notebook (test/seed-notebook.test.ts), float64 input.
const notebook = new Float64Array([
  -10.89676688, 111.20132441, 28.54646861, 64.08626134, -44.95071907, 89.55659292, 58.83216999, -42.60038455, 129.03490232, -6.83378502,
  141.84353818, -42.28612992, 98.82770315, 138.28224062, 17.29530148, 119.47436199, 8.19703339, 42.28238139, 75.6475437, 8.80807161,
]);
section('seed notebook', () => {
  const affine = quantize(notebook, { bits: 8 });
  expectEqual('notebook affine zeroPoint', affine.zeroPoint, 61);
  expectClose('notebook affine scale', affine.scale, 0.7325264990067586, 1e-9);
  expectArray('notebook affine codes', affine.data, [46, 213, 100, 148, 0, 183, 141, 3, 237, 52, 255, 3, 196, 250, 85, 224, 72, 119, 164, 73]);
  const symmetric = quantize(notebook, { bits: 8, scheme: 'symmetric' });
  expectClass('notebook symmetric codes', symmetric.data, Int8Array);
  expectArray('notebook symmetric codes', symmetric.data, [-10, 100, 26, 57, -40, 80, 53, -38, 116, -6, 127, -38, 88, 124, 15, 107, 7, 38, 68, 8]);
  const round2 = (v) => Math.round(v * 100) / 100;
  const back = dequantize(affine, new Float32Array(notebook.length));
  expectArray('notebook affine dequantized', Array.from(back, round2), [
    -10.99, 111.34, 28.57, 63.73, -44.68, 89.37, 58.6, -42.49, 128.92, -6.59, 142.11, -42.49, 98.89, 138.45, 17.58, 119.4, 8.06, 42.49, 75.45, 8.79,
  ]);
  const fq = fakeQuantize(notebook, { bits: 8, scheme: 'symmetric' });
  expectClass('notebook fakeQuantize', fq, Float64Array);
  expectArray('notebook fakeQuantize', fq, Array.from(symmetric.data, (q) => q * symmetric.scale));
  expectEqual('notebook fakeQuantizeWithError mse', round2(fakeQuantizeWithError(notebook, { bits: 8 }).error.mse), 0.04);
});

// Hand-checked cases of SPEC §2.
section('SPEC §2 hand-checked values', () => {
  // FBGEMM's example: 127.49999 by division, 127.5 by the reciprocal multiply (a tie, to even: 128).
  const x = new Float32Array([0.273939937]);
  const s = 0.00214854861;
  expectEqual('onnx divides', quantize(x, { scheme: 'symmetric', scale: s }).data[0], 127);
  expectEqual('pytorch multiplies', quantize(x, { scheme: 'symmetric', scale: s, profile: 'pytorch' }).data[0], 127);
  expectEqual('pytorch multiplies, affine zp 0', quantize(x, { scheme: 'affine', scale: s, zeroPoint: 0, profile: 'pytorch' }).data[0], 128);
  // Rounding before the zero point: 0.5 + 1 -> rne(0.5) + 1 = 1; 1.5 + 1 -> 2 + 1 = 3.
  expectArray('round before zero point', quantize(new Float64Array([0.5, 1.5, 2.5, -0.5]), { scheme: 'affine', scale: 1, zeroPoint: 1 }).data, [1, 3, 3, 1]);
  // NaN -> qmin, +Inf -> qmax, -Inf -> qmin, huge values saturate, -0 -> zp.
  const special = new Float32Array([NaN, Infinity, -Infinity, 3e38, -3e38, -0]);
  expectArray('special values int8', quantize(special, { scheme: 'symmetric', scale: 0.5 }).data, [-128, 127, -128, 127, -128, 0]);
  expectArray('special values uint8', quantize(special, { scheme: 'affine', scale: 0.5, zeroPoint: 10 }).data, [0, 255, 0, 255, 0, 10]);
  expectArray('narrow range', quantize(special, { scheme: 'symmetric', scale: 0.5, narrowRange: true }).data, [-127, 127, -127, 127, -127, 0]);
  const wide = quantize(new Float64Array([70000, -70000, 1.5]), { scheme: 'symmetric', bits: 16, scale: 1 });
  expectClass('16-bit codes', wide.data, Int16Array);
  expectArray('16-bit codes', wide.data, [32767, -32768, 2]);
  // Per channel and blocked through the public API (both layouts: last axis and inner > 1).
  const m = new Float32Array([1, 2, 3, 4, 5, 6]);
  expectArray('per channel axis 1', quantize(m, { shape: [2, 3], granularity: { axis: 1 }, scheme: 'symmetric', scale: [1, 2, 4] }).data, [1, 1, 1, 4, 2, 2]);
  expectArray('per channel axis 0', quantize(m, { shape: [2, 3], granularity: { axis: 0 }, scheme: 'symmetric', scale: [1, 2] }).data, [1, 2, 3, 2, 2, 3]);
  expectArray('blocked axis 1', quantize(m, { shape: [2, 3], granularity: { axis: 1, blockSize: 2 }, scheme: 'symmetric', scale: [1, 4, 2, 0.5] }).data, [1, 2, 1, 2, 2, 12]);
  expectArray('blocked axis 0', quantize(m, { shape: [2, 3], granularity: { axis: 0, blockSize: 2 }, scheme: 'symmetric', scale: [1, 2, 4] }).data, [1, 1, 1, 4, 2, 2]);
  const p = computeQParams(new Float32Array([-1, 3]), { bits: 8 });
  expectEqual('computeQParams scale', p.scale, Math.fround(4 / 255));
  expectEqual('computeQParams zeroPoint', p.zeroPoint, 64);
  const pc = computeQParams(new Float64Array([-1, 2, 4, -8]), { shape: [2, 2], granularity: { axis: 1 }, scheme: 'symmetric' });
  expectClass('computeQParams per channel scales', pc.scale, Float64Array);
  expectArray('computeQParams per channel scales', pc.scale, [4 / 127, 8 / 127]);
});

// Calibration: every method on both precisions (calibrateRange, quantize with range: { method }, the observers).
// The expected ranges were recorded from the reference before it became eval-free (commit 464fcaa, whose calibrators
// the vitest suite checks against numpy, TensorRT and PyTorch); they pin the histogram and quantize kernels those
// methods run on.
const CALIBRATION = [
  ['percentile', { method: 'percentile', percentile: 99 }, 'affine'],
  ['percentile (histogram passes)', { method: 'percentile', percentile: 99.9, exactLimit: 100 }, 'symmetric'],
  ['mse', { method: 'mse' }, 'affine'],
  ['entropy', { method: 'entropy' }, 'symmetric'],
  ['histogram', { method: 'histogram' }, 'affine'],
];
const EXPECTED_RANGES = {
  'percentile affine Float32Array': [-2.166965508460996, 1.6274152958393142],
  'percentile (histogram passes) symmetric Float32Array': [-38.74487968298069, 38.74487968298069],
  'mse affine Float32Array': [-64.36098408699036, 56.377951860427856],
  'entropy symmetric Float32Array': [-11.112086579203606, 11.112086579203606],
  'histogram affine Float32Array': [-64.83633422851562, 56.793883234262466],
  'observer minmax Float32Array': [-64.83633422851562, 56.853302001953125],
  'observer percentile Float32Array': [-62.444549999996525, 62.444549999996525],
  'observer entropy Float32Array': [-21.25, 21.25],
  'observer histogram Float32Array': [-64.83633422851562, 64.83633422851562],
  'observer mse Float32Array': [-63.875, 63.875],
  'percentile affine Float64Array': [-2.166965535283086, 1.6274153090082153],
  'percentile (histogram passes) symmetric Float64Array': [-38.744878683438316, 38.744878683438316],
  'mse affine Float64Array': [-64.36098242120352, 56.377951781614684],
  'entropy symmetric Float64Array': [-11.112086292532695, 11.112086292532695],
  'histogram affine Float64Array': [-64.83633255586028, 56.79388314943935],
  'observer minmax Float64Array': [-64.83633255586028, 56.85330191627145],
  'observer percentile Float64Array': [-62.444549999996525, 62.444549999996525],
  'observer entropy Float64Array': [-21.25, 21.25],
  'observer histogram Float64Array': [-64.83633255586028, 64.83633255586028],
  'observer mse Float64Array': [-63.875, 63.875],
};
function calibrationInput(X) {
  seed = 12345;
  const n = 3000;
  const x = new X(n);
  for (let i = 0; i < n; i++) {
    // A heavy-tailed sample: a normal-ish body and a few outliers.
    const u = random() + random() + random() + random() - 2;
    x[i] = i % 97 === 0 ? u * 40 : u;
  }
  return x;
}
const observedRanges = {};
for (const X of FLOATS) {
  const x = calibrationInput(X);
  for (const [label, spec, scheme] of CALIBRATION) {
    const key = `${label} ${scheme} ${X.name}`;
    section(`calibrateRange ${key}`, () => {
      const r = calibrateRange(x, spec, { scheme, bits: 8 });
      observedRanges[key] = [r.min, r.max];
      const e = EXPECTED_RANGES[key];
      if (e) {
        expectEqual(`calibrateRange ${key} min`, r.min, e[0]);
        expectEqual(`calibrateRange ${key} max`, r.max, e[1]);
      } else failures.push(`calibrateRange ${key}: no expected range`);
      // quantize with the calibrated range: the parameters of that range, and the codes of those parameters.
      const qt = quantize(x, { scheme, bits: 8, range: spec });
      const p = computeQParams(x, { scheme, bits: 8, range: { min: r.min, max: r.max } });
      expectEqual(`quantize range ${key} scale`, qt.scale, p.scale);
      expectArray(`quantize range ${key} codes`, qt.data, quantize(x, { scheme, bits: 8, scale: p.scale, zeroPoint: p.zeroPoint }).data);
    });
  }
  for (const method of ['minmax', 'percentile', 'entropy', 'histogram', 'mse']) {
    const key = `observer ${method} ${X.name}`;
    section(key, () => {
      const obs = createObserver(method, { scheme: 'symmetric' });
      obs.update(x.subarray(0, 1000)).update(x.subarray(1000));
      const r = obs.range({ bits: 8 });
      observedRanges[key] = [r.min, r.max];
      const e = EXPECTED_RANGES[key];
      if (e) {
        expectEqual(`${key} min`, r.min, e[0]);
        expectEqual(`${key} max`, r.max, e[1]);
      } else failures.push(`${key}: no expected range`);
    });
  }
}
if (process.env.CHECK_NO_EVAL_PRINT_RANGES) console.log(JSON.stringify(observedRanges, null, 1));

if (failures.length > 0) {
  console.error(`check-no-eval: ${failures.length} failure(s) in ${checks} checks (${entry}):`);
  for (const f of failures.slice(0, 40)) console.error(`  ${f}`);
  if (failures.length > 40) console.error(`  ... and ${failures.length - 40} more`);
  process.exit(1);
}
console.log(`check-no-eval: ${checks} checks passed with code generation from strings disabled (${entry})`);
