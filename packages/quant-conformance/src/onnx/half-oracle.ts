import { createQuantApi, float16ToNumber, numberToFloat16, type Backend, type QuantizedTensor } from '@quantkit/quant-core';
import { diffArrays } from '../compare.js';
import { Rng } from '../random.js';
import { dequantizeLinearModel, quantizeLinearModel, type OnnxIntType } from './models.js';
import type { CheckResult } from '../types.js';
import type { OrtModule } from './oracle.js';

/*
 * ONNX Runtime as the oracle of half-precision tensors (docs/SPEC.md §12): float16 data quantized through the API
 * (parameters chosen from the data: float16 scales), then the same scales and zero points in an opset-21
 * QuantizeLinear / DequantizeLinear model whose x, scale and y are float16. The codes must equal onnxruntime's byte
 * for byte, and the dequantized float16 values bit for bit. Data: random float16 bit patterns of every magnitude
 * (subnormals and ±0 included) and NaN; no ±Inf (a range with ±Inf has no parameters). bfloat16 is not among
 * onnxruntime-node's tensor types, so it has no oracle here (its rule is the same exact widening, SPEC §12).
 */

export interface HalfOracleResult extends CheckResult {
  readonly elements: number;
}

interface Case {
  readonly name: string;
  readonly shape: readonly number[];
  readonly granularity: 'tensor' | { axis: number } | { axis: number; blockSize: number };
  readonly scaleShape: readonly number[];
  readonly axis?: number;
  readonly blockSize?: number;
}

const CASES: readonly Case[] = [
  { name: 'tensor', shape: [4000], granularity: 'tensor', scaleShape: [] },
  { name: 'axis 0', shape: [6, 33, 7], granularity: { axis: 0 }, scaleShape: [6], axis: 0 },
  { name: 'axis last', shape: [6, 35], granularity: { axis: 1 }, scaleShape: [35], axis: 1 },
  { name: 'blocked last', shape: [4, 70], granularity: { axis: 1, blockSize: 32 }, scaleShape: [4, 3], axis: 1, blockSize: 32 },
  { name: 'blocked 0', shape: [7, 6, 5], granularity: { axis: 0, blockSize: 3 }, scaleShape: [3, 6, 5], axis: 0, blockSize: 3 },
];

const TYPES: readonly { type: OnnxIntType; scheme: 'affine' | 'symmetric'; bits: number }[] = [
  { type: 'uint8', scheme: 'affine', bits: 8 },
  { type: 'int8', scheme: 'symmetric', bits: 8 },
  { type: 'uint16', scheme: 'affine', bits: 16 },
  { type: 'int16', scheme: 'symmetric', bits: 16 },
];

/** Random float16 bits: any finite magnitude (the exponent drawn per tensor row), some NaN, ±0 and subnormals. */
function halfData(rng: Rng, n: number): Uint16Array {
  const x = new Uint16Array(n);
  const centre = rng.int(2, 28); // exponent field around which this tensor's values lie
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.01) x[i] = 0x7e00 | rng.int(0, 0x1ff) | (rng.next() < 0.5 ? 0x8000 : 0);
    else if (r < 0.03) x[i] = rng.next() < 0.5 ? 0 : 0x8000;
    else if (r < 0.05) x[i] = rng.int(1, 0x3ff) | (rng.next() < 0.5 ? 0x8000 : 0);
    else {
      const e = Math.min(30, Math.max(1, centre + rng.int(-3, 2)));
      x[i] = (e << 10) | rng.int(0, 0x3ff) | (rng.next() < 0.5 ? 0x8000 : 0);
    }
  }
  return x;
}

function halfBitsOf(scale: number | ArrayLike<number>): Uint16Array {
  return typeof scale === 'number' ? new Uint16Array([numberToFloat16(scale)]) : Uint16Array.from(Array.from(scale, numberToFloat16));
}

export async function runHalfOnnxRuntimeOracle(ort: OrtModule, backend: Backend, options: { seed?: number } = {}): Promise<HalfOracleResult> {
  const api = createQuantApi(backend);
  const rng = new Rng(options.seed ?? 2026);
  const failures: string[] = [];
  let total = 0;
  let passed = 0;
  let elements = 0;
  let skipped = 0;
  const skipReasons = new Set<string>();
  for (const t of TYPES) {
    for (const c of CASES) {
      total++;
      const missing = !backend.capabilities.bits.includes(t.bits) ? `no ${t.bits}-bit codes (capabilities.bits)` : c.granularity !== 'tensor' && !('blockSize' in c.granularity ? backend.capabilities.blocked : backend.capabilities.perAxis) ? 'no per-axis / blocked kernels (capabilities)' : undefined;
      if (missing !== undefined) {
        skipped++;
        skipReasons.add(missing);
        continue;
      }
      const n = c.shape.reduce((a, b) => a * b, 1);
      const x = halfData(rng, n);
      const label = `float16 ${t.type} ${c.name} [${c.shape.join(', ')}]`;
      const qt: QuantizedTensor = api.quantize(x, { dtype: 'float16', scheme: t.scheme, bits: t.bits, shape: c.shape, granularity: c.granularity });
      const scale = halfBitsOf(qt.scale);
      if (Array.from(scale, float16ToNumber).some((v, i) => v !== (typeof qt.scale === 'number' ? qt.scale : qt.scale[i]))) {
        failures.push(`${label}: a scale is not a float16 value`);
        continue;
      }
      const zeroPoint = typeof qt.zeroPoint === 'number' ? [qt.zeroPoint] : Array.from(qt.zeroPoint);
      const spec = { type: t.type, shape: c.shape, scale, scaleShape: c.scaleShape, zeroPoint, float: 'float16' as const, ...(c.axis !== undefined ? { axis: c.axis } : {}), ...(c.blockSize !== undefined ? { blockSize: c.blockSize } : {}) };
      const q = await ort.InferenceSession.create(quantizeLinearModel(spec));
      const qr = await q.run({ x: new ort.Tensor('float16', x, c.shape) });
      const codes = qr.y!.data as typeof qt.data;
      const m1 = diffArrays(`${label} QuantizeLinear`, codes, qt.data);
      const d = await ort.InferenceSession.create(dequantizeLinearModel(spec));
      const dr = await d.run({ q: new ort.Tensor(t.type, codes, c.shape) });
      const ours = api.dequantize(qt, { dtype: 'float16' });
      const m2 = diffArrays(`${label} DequantizeLinear`, dr.y!.data as Uint16Array, ours);
      await q.release?.();
      await d.release?.();
      elements += n;
      if (m1 === undefined && m2 === undefined) passed++;
      else failures.push((m1 ?? m2)!);
    }
  }
  return { total, passed, skipped, failures, skipReasons: [...skipReasons], elements };
}
