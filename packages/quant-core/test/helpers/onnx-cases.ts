import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Granularity, QuantizeOptions, Scheme } from '../../src/index.js';

interface OnnxTensor {
  dtype: string;
  shape: number[];
  data: number[];
  packed_hex?: string;
}

export interface OnnxCase {
  name: string;
  op: string;
  granularity: string;
  attributes: { axis?: number; block_size?: number };
  inputs: { x: OnnxTensor; scale: OnnxTensor; zero_point?: OnnxTensor };
  output: OnnxTensor;
}

/**
 * The upstream ONNX vectors: the one copy in the monorepo is @quantkit/quant-conformance's corpus file (published
 * with it), read by relative path because that package depends on this one (an input of the test task in
 * packages/quant-core/turbo.json).
 */
export const ONNX_VECTORS_PATH = fileURLToPath(new URL('../../../quant-conformance/corpus/onnx-qdq.json', import.meta.url));
const path = ONNX_VECTORS_PATH;
const all = (JSON.parse(readFileSync(path, 'utf8')) as { cases: OnnxCase[] }).cases;

/** Integer types quantkit stores: scheme (signedness) and bit width; packed when below 8 bits. */
export const INT_TYPES: Record<string, { scheme: Scheme; bits: number; packed: boolean }> = {
  int8: { scheme: 'symmetric', bits: 8, packed: false },
  uint8: { scheme: 'affine', bits: 8, packed: false },
  int16: { scheme: 'symmetric', bits: 16, packed: false },
  uint16: { scheme: 'affine', bits: 16, packed: false },
  int4: { scheme: 'symmetric', bits: 4, packed: true },
  uint4: { scheme: 'affine', bits: 4, packed: true },
  int2: { scheme: 'symmetric', bits: 2, packed: true },
  uint2: { scheme: 'affine', bits: 2, packed: true },
};

/** The Q/DQ cases whose integer side is a type quantkit implements (float8/float4 are out of scope). */
export const quantizeCases = all.filter((c) => c.op === 'QuantizeLinear' && c.output.dtype in INT_TYPES);
export const dequantizeCases = all.filter((c) => c.op === 'DequantizeLinear' && c.inputs.x.dtype in INT_TYPES);

/** The granularity an ONNX case means: the scale's shape decides, axis defaults to 1 (ONNX). */
export function granularityOf(c: OnnxCase): Granularity {
  const scaleSize = c.inputs.scale.shape.reduce((a, b) => a * b, 1);
  if (scaleSize === 1 && c.inputs.scale.shape.length <= 1) return 'tensor';
  const axis = c.attributes.axis ?? 1;
  if (c.attributes.block_size) return { axis, blockSize: c.attributes.block_size };
  return { axis };
}

/** Explicit-parameter options equivalent to an ONNX node (integer type = the quantized side's dtype). */
export function optionsOf(c: OnnxCase, intDType: string): QuantizeOptions {
  const t = INT_TYPES[intDType]!;
  const granularity = granularityOf(c);
  const perTensor = granularity === 'tensor';
  const zp = c.inputs.zero_point?.data;
  return {
    scheme: t.scheme,
    bits: t.bits,
    packed: t.packed,
    granularity,
    shape: c.inputs.x.shape,
    scale: perTensor ? c.inputs.scale.data[0]! : c.inputs.scale.data,
    ...(zp ? { zeroPoint: perTensor ? zp[0]! : zp } : {}),
  };
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
