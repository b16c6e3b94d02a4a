import type { AnalysisCandidate } from '../lib.js';

/** The label the library's analyze gives a candidate ('affine uint8 per-tensor minmax', ...). */
export function candidateLabel(c: AnalysisCandidate): string {
  const g = c.granularity ?? 'tensor';
  const gran = g === 'tensor' ? 'per-tensor' : 'blockSize' in g ? `axis ${g.axis} block ${g.blockSize}` : `axis ${g.axis}`;
  return `${c.scheme} ${c.scheme === 'symmetric' ? 'int' : 'uint'}${c.bits} ${gran} ${String(c.calibrator)}${c.narrowRange ? ' narrow' : ''}`;
}
