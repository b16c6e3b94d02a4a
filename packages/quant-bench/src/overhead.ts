import type { BackendColumn } from './backends.js';
import { benchInput } from './data.js';
import { measureInterleaved, type MeasureOptions, type Timed } from './measure.js';
import type { Operation } from './ops/index.js';
import { openOrt, type OrtLoad, type OrtRunner } from './ort.js';
import type { ColumnId, OverheadRow } from './results.js';

/**
 * Per-call cost on a tiny input (20 elements), where the kernel itself is a few nanoseconds and what is left is the
 * price of calling: the JavaScript call and specialised-loop lookup for the reference, the Node-API transition and
 * argument checks for the native addon, session.run's marshalling and its setImmediate hop for ONNX Runtime.
 */
export const OVERHEAD_ELEMENTS = 20;
export const OVERHEAD_OPERATIONS = ['quantize-tensor-u8', 'dequantize-tensor-u8', 'minmax'];

export async function measureOverhead(
  operations: readonly Operation[],
  columns: readonly BackendColumn[],
  ort: OrtLoad,
  options: MeasureOptions,
): Promise<OverheadRow[]> {
  const x = benchInput(OVERHEAD_ELEMENTS, 7);
  const producer = columns.find((c) => c.id === 'reference')!.backend!;
  const rows: OverheadRow[] = [];
  for (const id of OVERHEAD_OPERATIONS) {
    const op = operations.find((o) => o.id === id);
    if (op === undefined) continue;
    const prepared = op.prepare(x, { producer, withOrt: ort.ok });
    const ids: ColumnId[] = [];
    const timed: Timed[] = [];
    for (const column of columns) {
      const backend = column.backend;
      if (backend === undefined || column.threads !== 1) continue;
      ids.push(column.id);
      timed.push({ elements: OVERHEAD_ELEMENTS, run: () => prepared.run(backend) });
    }
    let runner: OrtRunner | undefined;
    if (ort.ok && prepared.ort !== undefined) {
      runner = await openOrt(ort.ort, prepared.ort, 1);
      ids.push('ort-1t');
      timed.push({ elements: OVERHEAD_ELEMENTS, run: runner.run });
    }
    const us: Partial<Record<ColumnId, number>> = {};
    try {
      const m = await measureInterleaved(timed, options);
      ids.forEach((cid, i) => (us[cid] = m[i]!.secondsPerCall * 1e6));
    } finally {
      await runner?.release();
    }
    const diff = us['native-avx2'] !== undefined && us.reference !== undefined ? us['native-avx2'] - us.reference : undefined;
    rows.push({ op: id, elements: OVERHEAD_ELEMENTS, microseconds: us, ...(diff !== undefined ? { nativeMinusReference: diff } : {}) });
  }
  return rows;
}
