import { fail } from '../errors.js';
import { type EntryShape, type QuantizedRecord } from '../formats/quantized-format.js';
import { codeByteLength, entriesOf } from '../formats/quantized-format.js';
import { isRowMajorLittleEndian, elementCount } from '../formats/tensor-source.js';
import type { HeaderLayout } from '../formats/safetensors-writer.js';
import { layoutOrFail, metadataFor, planItems, readInputs, type Item } from '../pipeline/quantize-job.js';
import type { PlannedFile, SplitPlan, SplitTensor } from '@quantkit/quant-queue';
import { rowShards } from '@quantkit/quant-queue';
import { selectionOf, type QuantizeQueueOptions } from './queue-options.js';

/** A planned output file as `quant quantize` lays it out: its items, where each entry goes, the header. */
export interface FileLayout {
  readonly items: readonly Item[];
  readonly header: HeaderLayout;
}

export async function layoutFile(file: PlannedFile, o: QuantizeQueueOptions): Promise<FileLayout> {
  const files = await readInputs(file);
  const { items, entries, records } = planItems(files, selectionOf(o));
  return { items, header: layoutOrFail(entries, metadataFor(files, records), file.output) };
}

export type QuantizeItem = Extract<Item, { kind: 'quantize' }>;

export function findItem(layout: FileLayout, tensor: string): QuantizeItem {
  const item = layout.items.find((i) => i.name === tensor);
  if (item === undefined || item.kind !== 'quantize') fail('HEADER', `the tensor '${tensor}' planned for a shard is not a quantized tensor of the file any more (was it changed?)`, { tensor });
  return item;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The record of rows [0, rows) of a tensor: its entries' sizes are the byte offsets of a shard starting at `rows`. */
export function rowsRecord(r: QuantizedRecord, rows: number): QuantizedRecord {
  return { ...r, shape: [rows, ...r.shape.slice(1)] };
}

/** Byte offsets of a shard's codes, scales and zero points inside the tensor's three entries. */
export function shardOffsets(r: QuantizedRecord, start: number): [number, number, number] {
  const before: EntryShape[] = entriesOf('', rowsRecord(r, start));
  return [codeByteLength(rowsRecord(r, start)), before[1].byteLength, before[2].byteLength];
}

/**
 * Whether the groups of a record lie within rows of the first axis (per channel along axis 0, blocks): then every shard
 * is quantized on its own, with any calibrator. Otherwise (per tensor, per channel along another axis) the shards'
 * min/max are merged first, which is exact for minmax only.
 */
export function groupsWithinRows(r: QuantizedRecord): boolean {
  return (r.granularity === 'channel' && r.axis === 0) || r.granularity === 'block';
}

/**
 * The policy for one tensor: split it when it has more than `threshold` elements, is stored row-major little-endian,
 * has more than one row, and its ranges can be computed shard by shard or merged exactly (minmax). A tensor whose
 * calibrator needs the values of groups spanning shards (percentile, mse, entropy, histogram per tensor or along a
 * later axis) is never split: one job quantizes it whole, with the bytes of `quant quantize`.
 */
function splitTensor(item: QuantizeItem, threshold: number): SplitTensor | undefined {
  const r = item.record;
  const n = elementCount(r.shape);
  if (n <= threshold || r.shape.length === 0 || r.shape[0]! < 2 || !isRowMajorLittleEndian(item.source)) return undefined;
  const local = groupsWithinRows(r);
  const minmax = r.calibration === undefined || r.calibration === 'minmax';
  if (!local && !minmax) return undefined;
  const rowElements = n / r.shape[0]!;
  // Packed codes: a shard must start on a byte; blocks along the first axis: on a block.
  let step = r.packed ? 8 / gcd((rowElements * r.bits) % 8 || 8, 8) : 1;
  if (r.granularity === 'block' && r.axis === 0) step = (step * r.block_size!) / gcd(step, r.block_size!);
  const starts = rowShards(r.shape[0]!, rowElements, threshold, step);
  if (starts.length <= 2) return undefined;
  return { name: item.name, starts, mergeRanges: !local };
}

export function splitPlanOf(layout: FileLayout, threshold: number): SplitPlan | undefined {
  const tensors = layout.items.flatMap((i) => (i.kind === 'quantize' ? (splitTensor(i, threshold) ?? []) : []));
  return tensors.length === 0 ? undefined : { tensors, fileSize: layout.header.fileSize };
}
