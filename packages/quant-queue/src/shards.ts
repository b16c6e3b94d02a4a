/**
 * Row boundaries of a tensor's shards: rows [starts[k], starts[k + 1]) of its first axis, each shard at most
 * `maxElements` elements (at least one step of rows), every boundary a multiple of `step` rows (what keeps blocks
 * along the first axis and packed 2/4-bit codes whole: a shard then starts on a block and on a byte).
 */
export function rowShards(rows: number, rowElements: number, maxElements: number, step: number): number[] {
  if (!Number.isSafeInteger(step) || step < 1) throw new Error(`internal error: row step ${step}`);
  const fit = Math.max(1, Math.floor(maxElements / Math.max(rowElements, 1)));
  const perShard = Math.max(step, fit - (fit % step));
  const starts: number[] = [];
  for (let r = 0; r < rows; r += perShard) starts.push(r);
  starts.push(rows);
  return starts;
}
