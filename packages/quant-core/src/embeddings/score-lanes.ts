/*
 * Float64 scores are sums in a fixed order, so that every backend gets the same bits (docs/EMBEDDINGS.md §5): term i
 * goes to lane i mod 8, each lane adds its terms in element order starting from +0, and the lanes are combined as
 * ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7)), the order of the error sums of docs/SPEC.md §6. An AVX2 loop
 * keeps lanes 0..3 and 4..7 in two registers of 4 doubles.
 */

export const SCORE_LANES = 8;

export function combineScoreLanes(l: Float64Array): number {
  return ((l[0]! + l[4]!) + (l[1]! + l[5]!)) + ((l[2]! + l[6]!) + (l[3]! + l[7]!));
}
