import {
  createQuantApi,
  type Backend,
  type FloatArray,
  type IntArray,
  type KernelSpec,
  type QuantizedTensor,
  type QuantizeOptions,
} from '@quantkit/quant-core';
import { diffArrays } from '../compare.js';
import { loadOnnxVectors, type OnnxVectorCase, type OnnxVectorTensor } from '../corpus/load.js';
import { missingCapability, Tally, type Check, type Requirement } from '../types.js';

/*
 * The upstream ONNX backend node tests for QuantizeLinear / DequantizeLinear (corpus/onnx-qdq.json, decoded from
 * onnx/onnx's generated test data): every integer case, per tensor, per axis (axis defaults to 1 when the attribute
 * is absent, negative axes count from the end), blocked, int16/uint16, and int4/uint4/int2/uint2 with their packed
 * bytes; plus DynamicQuantizeLinear through the API's affine uint8 min/max parameters. Each case runs through the
 * kernels and through the high-level API. The float8 / float4 cases are out of scope (quantkit has integer storage
 * only) and are not run.
 */

interface IntType {
  readonly bits: number;
  readonly signed: boolean;
  readonly qmin: number;
  readonly qmax: number;
}

const INT_TYPES: Readonly<Record<string, IntType>> = {
  int2: { bits: 2, signed: true, qmin: -2, qmax: 1 },
  uint2: { bits: 2, signed: false, qmin: 0, qmax: 3 },
  int4: { bits: 4, signed: true, qmin: -8, qmax: 7 },
  uint4: { bits: 4, signed: false, qmin: 0, qmax: 15 },
  int8: { bits: 8, signed: true, qmin: -128, qmax: 127 },
  uint8: { bits: 8, signed: false, qmin: 0, qmax: 255 },
  int16: { bits: 16, signed: true, qmin: -32768, qmax: 32767 },
  uint16: { bits: 16, signed: false, qmin: 0, qmax: 65535 },
};

/** TensorProto.DataType codes that `output_dtype` may name. */
const DATA_TYPE_NAMES: Readonly<Record<number, string>> = { 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 21: 'uint4', 22: 'int4', 25: 'uint2', 26: 'int2' };

function codesOf(t: IntType, values: readonly number[]): IntArray {
  if (t.bits <= 8) return t.signed ? Int8Array.from(values) : Uint8Array.from(values);
  return t.signed ? Int16Array.from(values) : Uint16Array.from(values);
}

function allocCodes(t: IntType, n: number): IntArray {
  return codesOf(t, new Array<number>(n).fill(0));
}

function float32Of(t: OnnxVectorTensor): Float32Array {
  if (t.bits_hex === undefined) return Float32Array.from(t.data);
  return new Float32Array(Uint32Array.from(t.bits_hex, (h) => parseInt(h, 16)).buffer);
}

function bytesOfHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** How the scale's shape selects the granularity (onnx.md §1): scalar or [1] per tensor, 1-D per axis, else blocked. */
type Granularity = { kind: 'tensor' } | { kind: 'axis'; axis: number; outer: number; channels: number; inner: number } | { kind: 'block'; axis: number; blockSize: number; outer: number; dim: number; inner: number };

function granularityOf(c: OnnxVectorCase, xShape: readonly number[], scaleShape: readonly number[]): Granularity {
  const rank = xShape.length;
  const scaleSize = scaleShape.reduce((a, b) => a * b, 1);
  if (scaleShape.length === 0 || (scaleShape.length === 1 && scaleSize === 1) || rank === 1) return { kind: 'tensor' };
  const rawAxis = c.attributes.axis ?? 1;
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  const outer = xShape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = xShape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const blockSize = c.attributes.block_size ?? 0;
  if (blockSize > 0) return { kind: 'block', axis, blockSize, outer, dim: xShape[axis]!, inner };
  return { kind: 'axis', axis, outer, channels: xShape[axis]!, inner };
}

function apiGranularity(g: Granularity): QuantizeOptions['granularity'] {
  if (g.kind === 'tensor') return 'tensor';
  if (g.kind === 'axis') return { axis: g.axis };
  return { axis: g.axis, blockSize: g.blockSize };
}

function requirementOf(t: IntType, g: Granularity): Requirement {
  return {
    profile: 'onnx',
    bits: t.bits,
    ...(t.bits < 8 ? { packedBits: t.bits as 2 | 4 } : {}),
    ...(g.kind === 'axis' ? { perAxis: true } : g.kind === 'block' ? { blocked: true } : {}),
  };
}

interface VectorCase {
  readonly name: string;
  readonly requirement: Requirement;
  run(backend: Backend): string[];
}

function quantizeCase(c: OnnxVectorCase): VectorCase {
  const x = float32Of(c.inputs.x!);
  const scale = float32Of(c.inputs.scale!);
  const zpTensor = c.inputs.zero_point;
  const out = c.output!;
  const typeName = zpTensor?.dtype ?? DATA_TYPE_NAMES[c.attributes.output_dtype ?? 2]!;
  const t = INT_TYPES[typeName]!;
  const zps = Int32Array.from(zpTensor?.data ?? new Array<number>(scale.length).fill(0));
  const g = granularityOf(c, c.inputs.x!.shape, c.inputs.scale!.shape);
  const spec: KernelSpec = { qmin: t.qmin, qmax: t.qmax, profile: 'onnx' };
  const expected = codesOf(t, out.data);
  const expectedPacked = out.packed_hex !== undefined ? bytesOfHex(out.packed_hex) : undefined;
  return {
    name: c.name,
    requirement: requirementOf(t, g),
    run(backend) {
      const failures: (string | undefined)[] = [];
      const codes = allocCodes(t, x.length);
      if (g.kind === 'tensor') backend.quantizeTensor(x, scale[0]!, zps[0]!, spec, codes);
      else if (g.kind === 'axis') backend.quantizeAxis(x, scale, zps, g, spec, codes);
      else backend.quantizeBlocked(x, scale, zps, g, spec, codes);
      failures.push(diffArrays('kernel codes', expected, codes, x));
      if (expectedPacked !== undefined) {
        const packed = new Uint8Array(expectedPacked.length);
        backend.pack(expected as Int8Array | Uint8Array, t.bits as 2 | 4, packed);
        failures.push(diffArrays('packed bytes', expectedPacked, packed));
      }
      const qt = createQuantApi(backend).quantize(x, {
        scheme: t.signed ? 'symmetric' : 'affine',
        bits: t.bits,
        shape: c.inputs.x!.shape,
        granularity: apiGranularity(g),
        scale: g.kind === 'tensor' ? scale[0]! : scale,
        zeroPoint: g.kind === 'tensor' ? zps[0]! : zps,
        packed: t.bits < 8,
      });
      failures.push(diffArrays('API data', expectedPacked ?? expected, qt.data, x));
      return failures.filter((f): f is string => f !== undefined);
    },
  };
}

function dequantizeCase(c: OnnxVectorCase): VectorCase {
  const xT = c.inputs.x!;
  const t = INT_TYPES[xT.dtype]!;
  const q = codesOf(t, xT.data);
  const scale = float32Of(c.inputs.scale!);
  const zps = Int32Array.from(c.inputs.zero_point?.data ?? new Array<number>(scale.length).fill(0));
  const g = granularityOf(c, xT.shape, c.inputs.scale!.shape);
  const expected = float32Of(c.output!);
  const packed = xT.packed_hex !== undefined ? bytesOfHex(xT.packed_hex) : undefined;
  return {
    name: c.name,
    requirement: { ...requirementOf(t, g), profile: undefined },
    run(backend) {
      const failures: (string | undefined)[] = [];
      if (packed !== undefined) {
        const unpacked = allocCodes(t, q.length) as Int8Array | Uint8Array;
        backend.unpack(packed, t.bits as 2 | 4, t.signed, unpacked);
        failures.push(diffArrays('unpacked codes', q, unpacked));
      }
      const out = new Float32Array(q.length);
      if (g.kind === 'tensor') backend.dequantizeTensor(q, scale[0]!, zps[0]!, out);
      else if (g.kind === 'axis') backend.dequantizeAxis(q, scale, zps, g, out);
      else backend.dequantizeBlocked(q, scale, zps, g, out);
      failures.push(diffArrays('kernel values', expected, out, q));
      const qt: QuantizedTensor = {
        data: packed ?? q,
        scale: g.kind === 'tensor' ? scale[0]! : scale,
        zeroPoint: g.kind === 'tensor' ? zps[0]! : zps,
        scheme: t.signed ? 'symmetric' : 'affine',
        bits: t.bits,
        shape: xT.shape,
        ...(g.kind !== 'tensor' ? { axis: g.axis } : {}),
        ...(g.kind === 'block' ? { blockSize: g.blockSize } : {}),
        packed: packed !== undefined,
        narrowRange: false,
        profile: 'onnx',
        dtype: 'float32',
      };
      failures.push(diffArrays('API values', expected, createQuantApi(backend).dequantize(qt) as FloatArray, q));
      return failures.filter((f): f is string => f !== undefined);
    },
  };
}

/**
 * DynamicQuantizeLinear = affine uint8 with min/max widened to 0. ONNX subtracts max - min in float32 before
 * dividing by 255, quantkit divides in float64 and rounds once; the two agree on these vectors (and whenever
 * max - min is exact in float32).
 */
function dynamicCase(c: OnnxVectorCase): VectorCase {
  const x = float32Of(c.inputs.x!);
  const outs = (c.output ?? c.outputs) as unknown as Record<string, OnnxVectorTensor>;
  const y = Uint8Array.from(outs.y!.data);
  const scale = float32Of(outs.y_scale!)[0]!;
  const zp = outs.y_zero_point!.data[0]!;
  return {
    name: c.name,
    requirement: { profile: 'onnx', bits: 8 },
    run(backend) {
      const qt = createQuantApi(backend).quantize(x, { scheme: 'affine', bits: 8 });
      const failures = [diffArrays('codes', y, qt.data, x)];
      if (qt.scale !== scale) failures.push(`scale expected ${scale}, actual ${String(qt.scale)}`);
      if (qt.zeroPoint !== zp) failures.push(`zero point expected ${zp}, actual ${String(qt.zeroPoint)}`);
      return failures.filter((f): f is string => f !== undefined);
    },
  };
}

/** Whether a case uses only integer storage types (the float8 / float4 cases are out of scope). */
function isIntegerCase(c: OnnxVectorCase): boolean {
  const out = (c.output ?? c.outputs ?? {}) as OnnxVectorTensor | Record<string, OnnxVectorTensor>;
  const outputs = 'dtype' in out ? [out as OnnxVectorTensor] : Object.values(out as Record<string, OnnxVectorTensor>);
  return [...Object.values(c.inputs), ...outputs].every((t) => t.dtype === 'float32' || t.dtype in INT_TYPES);
}

export function onnxVectorCases(): VectorCase[] {
  return loadOnnxVectors()
    .filter(isIntegerCase)
    .map((c) => (c.op === 'QuantizeLinear' ? quantizeCase(c) : c.op === 'DequantizeLinear' ? dequantizeCase(c) : dynamicCase(c)));
}

export function onnxVectorChecks(): Check[] {
  let cases: VectorCase[] | undefined;
  const make = (name: string, filter: (c: VectorCase) => boolean): Check => ({
    family: 'onnx-vectors',
    name,
    run(backend) {
      cases ??= onnxVectorCases();
      const tally = new Tally();
      for (const vc of cases.filter(filter)) {
        const missing = missingCapability(backend.capabilities, vc.requirement);
        if (missing !== undefined) tally.skip(missing);
        else tally.guard(vc.name, () => vc.run(backend));
      }
      return tally.result();
    },
  });
  return [
    make('QuantizeLinear', (c) => c.name.startsWith('test_quantizelinear')),
    make('DequantizeLinear', (c) => c.name.startsWith('test_dequantizelinear')),
    make('DynamicQuantizeLinear', (c) => c.name.startsWith('test_dynamicquantizelinear')),
  ];
}
