import type { Backend } from '@quantkit/quant-core';
import { DataType, encodeModel } from '@quantkit/quant-conformance';
import type { BackendColumn } from '../backends.js';
import type { OrtCase } from '../ort.js';
import { apiFor, groupingOf, paramsOf } from './codes.js';
import type { Operation } from './types.js';

export const HISTOGRAM_BINS = 2048;

export const MIN_MAX: Operation = {
  id: 'minmax',
  label: 'min/max',
  description: 'Backend.minMax over f32 (NaN-aware)',
  passes: [{ read: 4, write: 0 }],
  prepare(x) {
    return { run: (b) => void b.minMax(x) };
  },
};

/** x -> DynamicQuantizeLinear -> (y uint8, y_scale, y_zero_point): ONNX's own "min/max, then quantize to uint8". */
function dynamicQuantizeLinearModel(n: number): Uint8Array {
  return encodeModel({
    irVersion: 10,
    opsetVersion: 21,
    graph: {
      name: 'dynamic_quantize',
      nodes: [{ opType: 'DynamicQuantizeLinear', name: 'dynamic_quantize', inputs: ['x'], outputs: ['y', 'y_scale', 'y_zero_point'] }],
      inputs: [{ name: 'x', elemType: DataType.FLOAT, shape: [n] }],
      outputs: [
        { name: 'y', elemType: DataType.UINT8, shape: [n] },
        { name: 'y_scale', elemType: DataType.FLOAT, shape: [] },
        { name: 'y_zero_point', elemType: DataType.UINT8, shape: [] },
      ],
    },
  });
}

/** The passes of quantize(x) per tensor to uint8: the min/max pass, then the quantize pass. */
export const MINMAX_THEN_QUANTIZE_U8 = [
  { read: 4, write: 0 },
  { read: 4, write: 1 },
] as const;

export const FULL_QUANTIZE: Operation = {
  id: 'quantize-full-u8',
  label: 'full quantize (API) → u8',
  description: 'high-level quantize(x): validation, min/max pass, parameters, allocation of the codes, quantize pass (affine uint8 per tensor)',
  passes: MINMAX_THEN_QUANTIZE_U8,
  prepare(x, context) {
    let last: ArrayLike<number> = new Uint8Array(0);
    const run = (b: Backend): void => void (last = apiFor(b).quantize(x).data);
    const result = (): ArrayLike<number> => last;
    if (!context.withOrt) return { run, result };
    const ort: OrtCase = {
      op: 'DynamicQuantizeLinear',
      model: dynamicQuantizeLinearModel(x.length),
      inputs: { x: { type: 'float32', data: x, dims: [x.length] } },
      outputs: { y: { type: 'uint8', data: new Uint8Array(x.length), dims: [x.length] }, y_scale: null, y_zero_point: null },
      note: 'ONNX Runtime: DynamicQuantizeLinear (min/max with 0 included, then quantize to uint8) into a pre-allocated output; quantkit allocates its codes.',
    };
    return { run, ort, result };
  },
};

export const FAKE_QUANTIZE: Operation = {
  id: 'fake-quantize-u8',
  label: 'fake-quantize u8 + error',
  description: 'Backend.fakeQuantizeTensor f32 → f32 through uint8 codes, with the error metrics (MSE, SQNR, cosine, ...)',
  passes: [{ read: 4, write: 4 }],
  prepare(x, context) {
    const p = paramsOf(context.producer, x, 'u8', groupingOf('tensor', x.length));
    const out = new Float32Array(x.length);
    return { run: (b) => void b.fakeQuantizeTensor(x, p.scale, p.zeroPoint, p.spec, out) };
  },
};

/** Whether a backend bins values itself (core's Backend.histogram, announced by capabilities.histogram). */
export function hasHistogram(b: Backend | undefined): boolean {
  return b !== undefined && (b.capabilities as { histogram?: boolean }).histogram === true && typeof (b as Partial<Backend>).histogram === 'function';
}

export const HISTOGRAM: Operation = {
  id: 'histogram-2048',
  label: `histogram ${HISTOGRAM_BINS} bins`,
  description: `Backend.histogram of f32 over [min, max] into ${HISTOGRAM_BINS} float64 bins (the calibration histogram)`,
  passes: [{ read: 4, write: 0 }],
  unsupported(column: BackendColumn) {
    return hasHistogram(column.backend) ? undefined : 'no histogram kernel in this backend (capabilities.histogram is not true)';
  },
  prepare(x, context) {
    const r = context.producer.minMax(x);
    const counts = new Float64Array(HISTOGRAM_BINS);
    return {
      run: (b) => {
        counts.fill(0);
        b.histogram(x, r.min, r.max, counts);
      },
    };
  },
};
