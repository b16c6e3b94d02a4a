import { createQuantApi, type Backend, type FloatArray, type Granularity, type KernelSpec, type QuantApi, type Scheme } from '@quantkit/quant-core';
import type { OnnxIntType } from '@quantkit/quant-conformance';
import { blockShape, channelShape, lastAxisChannelShape } from './layouts.js';
import type { AxisLayout, BlockLayout } from '@quantkit/quant-core';

/** The integer formats the rows quantize to. int4 is packed two per byte (ONNX order). */
export type CodeType = 'u8' | 'i8' | 'i16' | 'int4';

export interface CodeTypeInfo {
  readonly label: string;
  readonly scheme: Scheme;
  readonly bits: number;
  readonly packed: boolean;
  /** Bytes per element in the output (0.5 for packed int4). */
  readonly bytes: number;
  /** The ONNX type of the same codes (the conformance package's model builders take these names). */
  readonly onnx: OnnxIntType;
  /** Unpacked code storage. */
  allocate(n: number): Uint8Array | Int8Array | Int16Array;
}

export const CODE_TYPES: Readonly<Record<CodeType, CodeTypeInfo>> = {
  u8: { label: 'uint8 (affine)', scheme: 'affine', bits: 8, packed: false, bytes: 1, onnx: 'uint8', allocate: (n) => new Uint8Array(n) },
  i8: { label: 'int8 (symmetric)', scheme: 'symmetric', bits: 8, packed: false, bytes: 1, onnx: 'int8', allocate: (n) => new Int8Array(n) },
  i16: { label: 'int16 (symmetric)', scheme: 'symmetric', bits: 16, packed: false, bytes: 2, onnx: 'int16', allocate: (n) => new Int16Array(n) },
  int4: { label: 'packed int4 (symmetric)', scheme: 'symmetric', bits: 4, packed: true, bytes: 0.5, onnx: 'int4', allocate: (n) => new Int8Array(n) },
};

export type GranularityKind = 'tensor' | 'channel' | 'channel-last' | 'block';

/** Where one granularity puts its scales for an input of n elements. */
export type Grouping =
  | { readonly kind: 'tensor'; readonly shape: readonly number[]; readonly scaleShape: readonly number[] }
  | { readonly kind: 'channel' | 'channel-last'; readonly shape: readonly number[]; readonly scaleShape: readonly number[]; readonly layout: AxisLayout }
  | { readonly kind: 'block'; readonly shape: readonly number[]; readonly scaleShape: readonly number[]; readonly layout: BlockLayout };

export function groupingOf(kind: GranularityKind, n: number): Grouping {
  if (kind === 'tensor') return { kind, shape: [n], scaleShape: [] };
  if (kind === 'channel' || kind === 'channel-last') {
    const { shape, layout } = kind === 'channel' ? channelShape(n) : lastAxisChannelShape(n);
    return { kind, shape, scaleShape: [layout.channels], layout };
  }
  const b = blockShape(n);
  return { kind, shape: b.shape, scaleShape: b.scaleShape, layout: b.layout };
}

function granularityOption(g: Grouping): Granularity {
  if (g.kind === 'tensor') return 'tensor';
  if (g.kind === 'block') return { axis: 0, blockSize: g.layout.blockSize };
  return { axis: g.kind === 'channel-last' ? 1 : 0 };
}

const apis = new WeakMap<Backend, QuantApi>();

/** The high-level API bound to a backend, created once per backend. */
export function apiFor(backend: Backend): QuantApi {
  let api = apis.get(backend);
  if (api === undefined) {
    api = createQuantApi(backend);
    apis.set(backend, api);
  }
  return api;
}

/** Min/max parameters of x for a code type and grouping, as float32 scales and int32 zero points per group. */
export interface GroupParams {
  readonly spec: KernelSpec;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly scales: Float32Array;
  readonly zeroPoints: Int32Array;
}

export function paramsOf(producer: Backend, x: Float32Array, type: CodeType, g: Grouping): GroupParams {
  const t = CODE_TYPES[type];
  const q = apiFor(producer).computeQParams(x, { scheme: t.scheme, bits: t.bits, packed: t.packed, granularity: granularityOption(g), shape: g.shape });
  const scales = typeof q.scale === 'number' ? Float32Array.of(q.scale) : Float32Array.from(q.scale as FloatArray);
  const zeroPoints = typeof q.zeroPoint === 'number' ? Int32Array.of(q.zeroPoint) : q.zeroPoint;
  return { spec: { qmin: q.qmin, qmax: q.qmax, profile: 'onnx' }, scale: scales[0]!, zeroPoint: zeroPoints[0]!, scales, zeroPoints };
}

/** Runs the quantize kernel of a grouping into unpacked codes. */
export function quantizeInto(backend: Backend, x: Float32Array, g: Grouping, p: GroupParams, out: Uint8Array | Int8Array | Int16Array): void {
  if (g.kind === 'tensor') backend.quantizeTensor(x, p.scale, p.zeroPoint, p.spec, out);
  else if (g.kind === 'block') backend.quantizeBlocked(x, p.scales, p.zeroPoints, g.layout, p.spec, out);
  else backend.quantizeAxis(x, p.scales, p.zeroPoints, g.layout, p.spec, out);
}

/** Runs the dequantize kernel of a grouping. */
export function dequantizeInto(backend: Backend, codes: Uint8Array | Int8Array | Int16Array, g: Grouping, p: GroupParams, out: Float32Array): void {
  if (g.kind === 'tensor') backend.dequantizeTensor(codes, p.scale, p.zeroPoint, out);
  else if (g.kind === 'block') backend.dequantizeBlocked(codes, p.scales, p.zeroPoints, g.layout, out);
  else backend.dequantizeAxis(codes, p.scales, p.zeroPoints, g.layout, out);
}
