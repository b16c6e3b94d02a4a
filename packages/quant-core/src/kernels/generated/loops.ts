// GENERATED FILE - DO NOT EDIT.
// Made by packages/quant-core/scripts/generate-kernels.mjs from the hand-written loops of
// packages/quant-core/src/kernels/loops.ts (the executable form of docs/SPEC.md), which explains why: one copy
// of each loop per combination of array classes and profile keeps every typed-array access monomorphic in V8,
// without compiling anything from strings at run time. Edit loops.ts, then run `pnpm generate` in
// packages/quant-core; test/generated-kernels.test.ts fails while this file is stale.
import type { HistogramCounts } from '../../calibrate/histogram.js';
import type { FloatArray, IntArray, Profile } from '../../types.js';
import { quantizeRunLoop, quantizeGroupsLoop, dequantizeRunLoop, dequantizeGroupsLoop, histogramLoop, type CodeArray } from '../loops.js';

/** ROUND_MAGIC of rounding.ts, declared here: V8 folds a module's own constant but loads an imported binding on every use. */
const ROUND_MAGIC = 6755399441055744;

// ---- quantizeRunLoop: 20 copies ----

/** Any copy of quantizeRunLoop: its parameters without the switches (method syntax: a copy for one class fits). */
export type QuantizeRunCopy = { copy(x: FloatArray, out: CodeArray, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void }['copy'];

/** quantizeRunLoop for x: Float32Array, out: Int8Array, profile = "onnx". */
export function quantizeRun_f32_i8_onnx(x: Float32Array, out: Int8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Int8Array, profile = "pytorch". */
export function quantizeRun_f32_i8_pytorch(x: Float32Array, out: Int8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = Math.fround(1 / s);
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Uint8Array, profile = "onnx". */
export function quantizeRun_f32_u8_onnx(x: Float32Array, out: Uint8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Uint8Array, profile = "pytorch". */
export function quantizeRun_f32_u8_pytorch(x: Float32Array, out: Uint8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = Math.fround(1 / s);
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Int16Array, profile = "onnx". */
export function quantizeRun_f32_i16_onnx(x: Float32Array, out: Int16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Int16Array, profile = "pytorch". */
export function quantizeRun_f32_i16_pytorch(x: Float32Array, out: Int16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = Math.fround(1 / s);
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Uint16Array, profile = "onnx". */
export function quantizeRun_f32_u16_onnx(x: Float32Array, out: Uint16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Uint16Array, profile = "pytorch". */
export function quantizeRun_f32_u16_pytorch(x: Float32Array, out: Uint16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = Math.fround(1 / s);
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Int32Array, profile = "onnx". */
export function quantizeRun_f32_i32_onnx(x: Float32Array, out: Int32Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float32Array, out: Int32Array, profile = "pytorch". */
export function quantizeRun_f32_i32_pytorch(x: Float32Array, out: Int32Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = Math.fround(scale);
  const f = Math.fround(1 / s);
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Int8Array, profile = "onnx". */
export function quantizeRun_f64_i8_onnx(x: Float64Array, out: Int8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Int8Array, profile = "pytorch". */
export function quantizeRun_f64_i8_pytorch(x: Float64Array, out: Int8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = 1 / s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Uint8Array, profile = "onnx". */
export function quantizeRun_f64_u8_onnx(x: Float64Array, out: Uint8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Uint8Array, profile = "pytorch". */
export function quantizeRun_f64_u8_pytorch(x: Float64Array, out: Uint8Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = 1 / s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Int16Array, profile = "onnx". */
export function quantizeRun_f64_i16_onnx(x: Float64Array, out: Int16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Int16Array, profile = "pytorch". */
export function quantizeRun_f64_i16_pytorch(x: Float64Array, out: Int16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = 1 / s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Uint16Array, profile = "onnx". */
export function quantizeRun_f64_u16_onnx(x: Float64Array, out: Uint16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Uint16Array, profile = "pytorch". */
export function quantizeRun_f64_u16_pytorch(x: Float64Array, out: Uint16Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = 1 / s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Int32Array, profile = "onnx". */
export function quantizeRun_f64_i32_onnx(x: Float64Array, out: Int32Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeRunLoop for x: Float64Array, out: Int32Array, profile = "pytorch". */
export function quantizeRun_f64_i32_pytorch(x: Float64Array, out: Int32Array, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number): void {
  const s = scale;
  const f = 1 / s;
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    let t = x[i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** The copy of quantizeRunLoop for these arrays and profile. */
export function quantizeRunLoopFor(x: FloatArray, out: CodeArray, profile: Profile): QuantizeRunCopy {
  if (x instanceof Float32Array) {
    if (out instanceof Int8Array) return profile === 'onnx' ? quantizeRun_f32_i8_onnx : quantizeRun_f32_i8_pytorch;
    if (out instanceof Uint8Array) return profile === 'onnx' ? quantizeRun_f32_u8_onnx : quantizeRun_f32_u8_pytorch;
    if (out instanceof Int16Array) return profile === 'onnx' ? quantizeRun_f32_i16_onnx : quantizeRun_f32_i16_pytorch;
    if (out instanceof Uint16Array) return profile === 'onnx' ? quantizeRun_f32_u16_onnx : quantizeRun_f32_u16_pytorch;
    if (out instanceof Int32Array) return profile === 'onnx' ? quantizeRun_f32_i32_onnx : quantizeRun_f32_i32_pytorch;
  }
  if (x instanceof Float64Array) {
    if (out instanceof Int8Array) return profile === 'onnx' ? quantizeRun_f64_i8_onnx : quantizeRun_f64_i8_pytorch;
    if (out instanceof Uint8Array) return profile === 'onnx' ? quantizeRun_f64_u8_onnx : quantizeRun_f64_u8_pytorch;
    if (out instanceof Int16Array) return profile === 'onnx' ? quantizeRun_f64_i16_onnx : quantizeRun_f64_i16_pytorch;
    if (out instanceof Uint16Array) return profile === 'onnx' ? quantizeRun_f64_u16_onnx : quantizeRun_f64_u16_pytorch;
    if (out instanceof Int32Array) return profile === 'onnx' ? quantizeRun_f64_i32_onnx : quantizeRun_f64_i32_pytorch;
  }
  // Anything else (an array from another realm, a class validation refuses): the loop itself, correct but slower.
  return (x: FloatArray, out: CodeArray, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number) => quantizeRunLoop(x, out, start, end, scale, zp, qmin, qmax, profile);
}

// ---- quantizeGroupsLoop: 32 copies ----

/** Any copy of quantizeGroupsLoop: its parameters without the switches (method syntax: a copy for one class fits). */
export type QuantizeGroupsCopy = { copy(x: FloatArray, out: IntArray, start: number, count: number, scales: FloatArray, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void }['copy'];

/** quantizeGroupsLoop for x: Float32Array, out: Int8Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f32_i8_f32_onnx(x: Float32Array, out: Int8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Int8Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f32_i8_f32_pytorch(x: Float32Array, out: Int8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Int8Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f32_i8_f64_onnx(x: Float32Array, out: Int8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Int8Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f32_i8_f64_pytorch(x: Float32Array, out: Int8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint8Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f32_u8_f32_onnx(x: Float32Array, out: Uint8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint8Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f32_u8_f32_pytorch(x: Float32Array, out: Uint8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint8Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f32_u8_f64_onnx(x: Float32Array, out: Uint8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint8Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f32_u8_f64_pytorch(x: Float32Array, out: Uint8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Int16Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f32_i16_f32_onnx(x: Float32Array, out: Int16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Int16Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f32_i16_f32_pytorch(x: Float32Array, out: Int16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Int16Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f32_i16_f64_onnx(x: Float32Array, out: Int16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Int16Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f32_i16_f64_pytorch(x: Float32Array, out: Int16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint16Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f32_u16_f32_onnx(x: Float32Array, out: Uint16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint16Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f32_u16_f32_pytorch(x: Float32Array, out: Uint16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint16Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f32_u16_f64_onnx(x: Float32Array, out: Uint16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float32Array, out: Uint16Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f32_u16_f64_pytorch(x: Float32Array, out: Uint16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = Math.fround(scales[g0 + i]);
    const f = Math.fround(1 / s);
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int8Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f64_i8_f32_onnx(x: Float64Array, out: Int8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int8Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f64_i8_f32_pytorch(x: Float64Array, out: Int8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int8Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f64_i8_f64_onnx(x: Float64Array, out: Int8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int8Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f64_i8_f64_pytorch(x: Float64Array, out: Int8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint8Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f64_u8_f32_onnx(x: Float64Array, out: Uint8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint8Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f64_u8_f32_pytorch(x: Float64Array, out: Uint8Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint8Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f64_u8_f64_onnx(x: Float64Array, out: Uint8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint8Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f64_u8_f64_pytorch(x: Float64Array, out: Uint8Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int16Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f64_i16_f32_onnx(x: Float64Array, out: Int16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int16Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f64_i16_f32_pytorch(x: Float64Array, out: Int16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int16Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f64_i16_f64_onnx(x: Float64Array, out: Int16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Int16Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f64_i16_f64_pytorch(x: Float64Array, out: Int16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint16Array, scales: Float32Array, profile = "onnx". */
export function quantizeGroups_f64_u16_f32_onnx(x: Float64Array, out: Uint16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint16Array, scales: Float32Array, profile = "pytorch". */
export function quantizeGroups_f64_u16_f32_pytorch(x: Float64Array, out: Uint16Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint16Array, scales: Float64Array, profile = "onnx". */
export function quantizeGroups_f64_u16_f64_onnx(x: Float64Array, out: Uint16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] / f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** quantizeGroupsLoop for x: Float64Array, out: Uint16Array, scales: Float64Array, profile = "pytorch". */
export function quantizeGroups_f64_u16_f64_pytorch(x: Float64Array, out: Uint16Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number): void {
  for (let i = 0; i < count; i++) {
    const s = scales[g0 + i];
    const f = 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = x[start + i] * f;
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/** The copy of quantizeGroupsLoop for these arrays and profile. */
export function quantizeGroupsLoopFor(x: FloatArray, out: IntArray, scales: FloatArray, profile: Profile): QuantizeGroupsCopy {
  if (x instanceof Float32Array) {
    if (out instanceof Int8Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f32_i8_f32_onnx : quantizeGroups_f32_i8_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f32_i8_f64_onnx : quantizeGroups_f32_i8_f64_pytorch;
    }
    if (out instanceof Uint8Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f32_u8_f32_onnx : quantizeGroups_f32_u8_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f32_u8_f64_onnx : quantizeGroups_f32_u8_f64_pytorch;
    }
    if (out instanceof Int16Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f32_i16_f32_onnx : quantizeGroups_f32_i16_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f32_i16_f64_onnx : quantizeGroups_f32_i16_f64_pytorch;
    }
    if (out instanceof Uint16Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f32_u16_f32_onnx : quantizeGroups_f32_u16_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f32_u16_f64_onnx : quantizeGroups_f32_u16_f64_pytorch;
    }
  }
  if (x instanceof Float64Array) {
    if (out instanceof Int8Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f64_i8_f32_onnx : quantizeGroups_f64_i8_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f64_i8_f64_onnx : quantizeGroups_f64_i8_f64_pytorch;
    }
    if (out instanceof Uint8Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f64_u8_f32_onnx : quantizeGroups_f64_u8_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f64_u8_f64_onnx : quantizeGroups_f64_u8_f64_pytorch;
    }
    if (out instanceof Int16Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f64_i16_f32_onnx : quantizeGroups_f64_i16_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f64_i16_f64_onnx : quantizeGroups_f64_i16_f64_pytorch;
    }
    if (out instanceof Uint16Array) {
      if (scales instanceof Float32Array) return profile === 'onnx' ? quantizeGroups_f64_u16_f32_onnx : quantizeGroups_f64_u16_f32_pytorch;
      if (scales instanceof Float64Array) return profile === 'onnx' ? quantizeGroups_f64_u16_f64_onnx : quantizeGroups_f64_u16_f64_pytorch;
    }
  }
  // Anything else (an array from another realm, a class validation refuses): the loop itself, correct but slower.
  return (x: FloatArray, out: IntArray, start: number, count: number, scales: FloatArray, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number) => quantizeGroupsLoop(x, out, start, count, scales, zeroPoints, g0, qmin, qmax, profile);
}

// ---- dequantizeRunLoop: 8 copies ----

/** Any copy of dequantizeRunLoop: its parameters without the switches (method syntax: a copy for one class fits). */
export type DequantizeRunCopy = { copy(q: IntArray, out: FloatArray, start: number, end: number, scale: number, zp: number): void }['copy'];

/** dequantizeRunLoop for q: Int8Array, out: Float32Array. */
export function dequantizeRun_i8_f32(q: Int8Array, out: Float32Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** dequantizeRunLoop for q: Int8Array, out: Float64Array. */
export function dequantizeRun_i8_f64(q: Int8Array, out: Float64Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** dequantizeRunLoop for q: Uint8Array, out: Float32Array. */
export function dequantizeRun_u8_f32(q: Uint8Array, out: Float32Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** dequantizeRunLoop for q: Uint8Array, out: Float64Array. */
export function dequantizeRun_u8_f64(q: Uint8Array, out: Float64Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** dequantizeRunLoop for q: Int16Array, out: Float32Array. */
export function dequantizeRun_i16_f32(q: Int16Array, out: Float32Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** dequantizeRunLoop for q: Int16Array, out: Float64Array. */
export function dequantizeRun_i16_f64(q: Int16Array, out: Float64Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** dequantizeRunLoop for q: Uint16Array, out: Float32Array. */
export function dequantizeRun_u16_f32(q: Uint16Array, out: Float32Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** dequantizeRunLoop for q: Uint16Array, out: Float64Array. */
export function dequantizeRun_u16_f64(q: Uint16Array, out: Float64Array, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++)
    out[i] = (q[i] - zp) * scale;
}

/** The copy of dequantizeRunLoop for these arrays. */
export function dequantizeRunLoopFor(q: IntArray, out: FloatArray): DequantizeRunCopy {
  if (q instanceof Int8Array) {
    if (out instanceof Float32Array) return dequantizeRun_i8_f32;
    if (out instanceof Float64Array) return dequantizeRun_i8_f64;
  }
  if (q instanceof Uint8Array) {
    if (out instanceof Float32Array) return dequantizeRun_u8_f32;
    if (out instanceof Float64Array) return dequantizeRun_u8_f64;
  }
  if (q instanceof Int16Array) {
    if (out instanceof Float32Array) return dequantizeRun_i16_f32;
    if (out instanceof Float64Array) return dequantizeRun_i16_f64;
  }
  if (q instanceof Uint16Array) {
    if (out instanceof Float32Array) return dequantizeRun_u16_f32;
    if (out instanceof Float64Array) return dequantizeRun_u16_f64;
  }
  // Anything else (an array from another realm, a class validation refuses): the loop itself, correct but slower.
  return dequantizeRunLoop;
}

// ---- dequantizeGroupsLoop: 16 copies ----

/** Any copy of dequantizeGroupsLoop: its parameters without the switches (method syntax: a copy for one class fits). */
export type DequantizeGroupsCopy = { copy(q: IntArray, out: FloatArray, start: number, count: number, scales: FloatArray, zeroPoints: Int32Array, g0: number): void }['copy'];

/** dequantizeGroupsLoop for q: Int8Array, out: Float32Array, scales: Float32Array. */
export function dequantizeGroups_i8_f32_f32(q: Int8Array, out: Float32Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Int8Array, out: Float32Array, scales: Float64Array. */
export function dequantizeGroups_i8_f32_f64(q: Int8Array, out: Float32Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Int8Array, out: Float64Array, scales: Float32Array. */
export function dequantizeGroups_i8_f64_f32(q: Int8Array, out: Float64Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Int8Array, out: Float64Array, scales: Float64Array. */
export function dequantizeGroups_i8_f64_f64(q: Int8Array, out: Float64Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint8Array, out: Float32Array, scales: Float32Array. */
export function dequantizeGroups_u8_f32_f32(q: Uint8Array, out: Float32Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint8Array, out: Float32Array, scales: Float64Array. */
export function dequantizeGroups_u8_f32_f64(q: Uint8Array, out: Float32Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint8Array, out: Float64Array, scales: Float32Array. */
export function dequantizeGroups_u8_f64_f32(q: Uint8Array, out: Float64Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint8Array, out: Float64Array, scales: Float64Array. */
export function dequantizeGroups_u8_f64_f64(q: Uint8Array, out: Float64Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Int16Array, out: Float32Array, scales: Float32Array. */
export function dequantizeGroups_i16_f32_f32(q: Int16Array, out: Float32Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Int16Array, out: Float32Array, scales: Float64Array. */
export function dequantizeGroups_i16_f32_f64(q: Int16Array, out: Float32Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Int16Array, out: Float64Array, scales: Float32Array. */
export function dequantizeGroups_i16_f64_f32(q: Int16Array, out: Float64Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Int16Array, out: Float64Array, scales: Float64Array. */
export function dequantizeGroups_i16_f64_f64(q: Int16Array, out: Float64Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint16Array, out: Float32Array, scales: Float32Array. */
export function dequantizeGroups_u16_f32_f32(q: Uint16Array, out: Float32Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint16Array, out: Float32Array, scales: Float64Array. */
export function dequantizeGroups_u16_f32_f64(q: Uint16Array, out: Float32Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint16Array, out: Float64Array, scales: Float32Array. */
export function dequantizeGroups_u16_f64_f32(q: Uint16Array, out: Float64Array, start: number, count: number, scales: Float32Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** dequantizeGroupsLoop for q: Uint16Array, out: Float64Array, scales: Float64Array. */
export function dequantizeGroups_u16_f64_f64(q: Uint16Array, out: Float64Array, start: number, count: number, scales: Float64Array, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++)
    out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/** The copy of dequantizeGroupsLoop for these arrays. */
export function dequantizeGroupsLoopFor(q: IntArray, out: FloatArray, scales: FloatArray): DequantizeGroupsCopy {
  if (q instanceof Int8Array) {
    if (out instanceof Float32Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_i8_f32_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_i8_f32_f64;
    }
    if (out instanceof Float64Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_i8_f64_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_i8_f64_f64;
    }
  }
  if (q instanceof Uint8Array) {
    if (out instanceof Float32Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_u8_f32_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_u8_f32_f64;
    }
    if (out instanceof Float64Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_u8_f64_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_u8_f64_f64;
    }
  }
  if (q instanceof Int16Array) {
    if (out instanceof Float32Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_i16_f32_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_i16_f32_f64;
    }
    if (out instanceof Float64Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_i16_f64_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_i16_f64_f64;
    }
  }
  if (q instanceof Uint16Array) {
    if (out instanceof Float32Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_u16_f32_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_u16_f32_f64;
    }
    if (out instanceof Float64Array) {
      if (scales instanceof Float32Array) return dequantizeGroups_u16_f64_f32;
      if (scales instanceof Float64Array) return dequantizeGroups_u16_f64_f64;
    }
  }
  // Anything else (an array from another realm, a class validation refuses): the loop itself, correct but slower.
  return dequantizeGroupsLoop;
}

// ---- histogramLoop: 8 copies ----

/** Any copy of histogramLoop: its parameters without the switches (method syntax: a copy for one class fits). */
export type HistogramCopy = { copy(x: FloatArray, min: number, max: number, counts: HistogramCounts): void }['copy'];

/** histogramLoop for x: Float32Array, counts: Uint32Array, abs = true. */
export function histogram_f32_u32_abs(x: Float32Array, min: number, max: number, counts: Uint32Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** histogramLoop for x: Float32Array, counts: Uint32Array, abs = false. */
export function histogram_f32_u32(x: Float32Array, min: number, max: number, counts: Uint32Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** histogramLoop for x: Float32Array, counts: Float64Array, abs = true. */
export function histogram_f32_f64_abs(x: Float32Array, min: number, max: number, counts: Float64Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** histogramLoop for x: Float32Array, counts: Float64Array, abs = false. */
export function histogram_f32_f64(x: Float32Array, min: number, max: number, counts: Float64Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** histogramLoop for x: Float64Array, counts: Uint32Array, abs = true. */
export function histogram_f64_u32_abs(x: Float64Array, min: number, max: number, counts: Uint32Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** histogramLoop for x: Float64Array, counts: Uint32Array, abs = false. */
export function histogram_f64_u32(x: Float64Array, min: number, max: number, counts: Uint32Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** histogramLoop for x: Float64Array, counts: Float64Array, abs = true. */
export function histogram_f64_f64_abs(x: Float64Array, min: number, max: number, counts: Float64Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]);
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** histogramLoop for x: Float64Array, counts: Float64Array, abs = false. */
export function histogram_f64_f64(x: Float64Array, min: number, max: number, counts: Float64Array): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}

/** The copy of histogramLoop for these arrays and abs. */
export function histogramLoopFor(x: FloatArray, counts: HistogramCounts, abs: boolean): HistogramCopy {
  if (x instanceof Float32Array) {
    if (counts instanceof Uint32Array) return abs ? histogram_f32_u32_abs : histogram_f32_u32;
    if (counts instanceof Float64Array) return abs ? histogram_f32_f64_abs : histogram_f32_f64;
  }
  if (x instanceof Float64Array) {
    if (counts instanceof Uint32Array) return abs ? histogram_f64_u32_abs : histogram_f64_u32;
    if (counts instanceof Float64Array) return abs ? histogram_f64_f64_abs : histogram_f64_f64;
  }
  // Anything else (an array from another realm, a class validation refuses): the loop itself, correct but slower.
  return (x: FloatArray, min: number, max: number, counts: HistogramCounts) => histogramLoop(x, min, max, counts, abs);
}
