import { bitWidths } from './families/bit-widths.js';
import { blocked } from './families/blocked.js';
import { float64 } from './families/float64.js';
import { lengths } from './families/lengths.js';
import { packed } from './families/packed.js';
import { perAxis } from './families/per-axis.js';
import { profiles } from './families/profiles.js';
import { roundingTies } from './families/rounding-ties.js';
import { saturation } from './families/saturation.js';
import { seedWalkthrough } from './families/seed-walkthrough.js';
import { specialValues } from './families/special-values.js';
import { CORPUS_FORMAT, type CorpusCase, type CorpusFile } from './schema.js';

/** The generated corpus families, in report order: file name (without .json) and generator. */
export const GENERATED_FAMILIES: readonly (readonly [string, () => { description: string; cases: CorpusCase[] }])[] = [
  ['seed-walkthrough', seedWalkthrough],
  ['rounding-ties', roundingTies],
  ['saturation', saturation],
  ['special-values', specialValues],
  ['lengths', lengths],
  ['float64', float64],
  ['packed', packed],
  ['per-axis', perAxis],
  ['blocked', blocked],
  ['profiles', profiles],
  ['bit-widths', bitWidths],
];

/** Builds every generated corpus file from the reference backend (deterministic: same bytes on every run). */
export function generateCorpus(): CorpusFile[] {
  return GENERATED_FAMILIES.map(([family, make]) => {
    const { description, cases } = make();
    return { format: CORPUS_FORMAT, family, description, generator: 'scripts/generate-corpus.mjs: expected values computed by the @quantkit/quant-core reference backend', cases };
  });
}
