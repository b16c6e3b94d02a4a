import { widenedValues, type TensorValues } from '../formats/tensor-values.js';
import {
  dequantize,
  fakeQuantize,
  formatCalibration,
  parseCalibration,
  quantizationError,
  quantize,
  storageSpec,
  type AnalysisCandidate,
  type AnalysisRow,
  type FloatArray,
  type HalfDType,
  type QuantizedTensor,
  type QuantizeOptions,
  type QuantParams,
} from '../lib.js';
import { candidateLabel } from './candidate-label.js';

/*
 * Error analysis of F16 / BF16 tensors as quant's files hold them. The library's analyze takes float arrays, and its
 * fakeQuantize of half bits rounds the values back to the half type; a file `quant quantize` writes holds the codes of
 * the bits (half scales) and `quant dequantize` turns them into float32 values. So here a half tensor is quantized on
 * its bits, dequantized to float32 and measured against the exact widening of the bits: the error of that file.
 */

/** What a file `quant quantize` writes with `options` dequantizes to (`quant dequantize`'s default output). */
export function valuesAsWritten(x: TensorValues, options: QuantizeOptions): FloatArray {
  if (x.half === undefined) return fakeQuantize(x.data, options);
  return dequantize(quantize(x.data, { ...options, dtype: x.half }));
}

/** The parameters of a quantized tensor, as analyze reports them. */
function paramsOf(qt: QuantizedTensor): QuantParams {
  const { qmin, qmax } = storageSpec(qt.scheme, qt.bits, qt.narrowRange);
  const { axis, blockSize } = qt;
  return {
    scale: qt.scale,
    zeroPoint: qt.zeroPoint,
    scheme: qt.scheme,
    bits: qt.bits,
    qmin,
    qmax,
    shape: qt.shape,
    ...(axis !== undefined ? { axis } : {}),
    ...(blockSize !== undefined ? { blockSize, scaleShape: qt.shape.map((d, i) => (i === axis ? Math.ceil(d / blockSize) : d)) } : {}),
  };
}

/**
 * analyze() for half bits: one row per candidate, in order, with analyze's labels and fields (best left false). Like
 * analyze, it throws on the first candidate the library refuses. The bits are widened once, for the error metrics.
 */
export function halfAnalysis(bits: Uint16Array, half: HalfDType, shape: readonly number[]): (candidates: readonly AnalysisCandidate[]) => AnalysisRow[] {
  const reference = widenedValues({ data: bits, half }).data;
  return (candidates) =>
    candidates.map((c) => {
      const scheme = c.scheme ?? 'affine';
      const width = c.bits ?? 8;
      const granularity = c.granularity ?? 'tensor';
      const spec = typeof c.calibrator === 'string' ? parseCalibration(c.calibrator) : (c.calibrator ?? { method: 'minmax' as const });
      const calibrator = formatCalibration(spec);
      // As quant quantize passes them (libraryOptions): minmax is the library's default range, not a calibrator.
      const options: QuantizeOptions = {
        scheme,
        bits: width,
        granularity,
        shape,
        dtype: half,
        ...(calibrator === 'minmax' ? {} : { range: spec }),
        ...(c.narrowRange !== undefined ? { narrowRange: c.narrowRange } : {}),
        ...(c.profile !== undefined ? { profile: c.profile } : {}),
      };
      const qt = quantize(bits, options);
      const error = quantizationError(reference, dequantize(qt));
      return { label: candidateLabel(c), scheme, bits: width, granularity, calibrator, options, params: paramsOf(qt), ...error, best: false };
    });
}
