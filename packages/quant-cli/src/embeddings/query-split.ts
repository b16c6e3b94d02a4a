import { Rng } from '@quantkit/quant-conformance/random';

export interface QuerySplit {
  /** The sampled rows, in sampling order: `queries` rows of `dim` values. */
  readonly queries: Float32Array | Float64Array;
  /** Every other row, in file order. */
  readonly corpus: Float32Array | Float64Array;
  /** The row numbers of the queries in the original tensor. */
  readonly queryRows: Uint32Array;
}

/**
 * Holds `count` rows out as queries: a seeded sample without replacement (a partial Fisher-Yates shuffle, sfc32), so a
 * query never finds itself and the same seed always picks the same rows.
 */
export function splitQueries(x: Float32Array | Float64Array, dim: number, count: number, seed: number): QuerySplit {
  const rows = x.length / dim;
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, rows - 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const queryRows = order.slice(0, count);
  const isQuery = new Uint8Array(rows);
  for (const r of queryRows) isQuery[r] = 1;
  const make = (n: number): Float32Array | Float64Array => (x instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));
  const queries = make(count * dim);
  const corpus = make((rows - count) * dim);
  queryRows.forEach((r, q) => queries.set(x.subarray(r * dim, (r + 1) * dim), q * dim));
  for (let r = 0, c = 0; r < rows; r++) {
    if (isQuery[r] === 0) corpus.set(x.subarray(r * dim, (r + 1) * dim), c++ * dim);
  }
  return { queries, corpus, queryRows };
}
