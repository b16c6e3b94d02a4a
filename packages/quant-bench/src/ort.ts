import type * as Ort from 'onnxruntime-node';

/*
 * onnxruntime-node as a comparison column. One session per model and thread count, created once per shape and
 * released after it; inputs are wrapped once, outputs are pre-allocated (fetches), so a timed call is one
 * session.run: ONNX Runtime's own work plus its per-call overhead (a setImmediate hop and the binding's tensor
 * marshalling, visible at small sizes).
 */

export type OrtModule = typeof Ort;

export type OrtLoad = { readonly ok: true; readonly ort: OrtModule; readonly version: string } | { readonly ok: false; readonly reason: string };

export async function loadOrt(): Promise<OrtLoad> {
  try {
    const ort = (await import('onnxruntime-node')) as OrtModule;
    const version = (ort.env.versions as { node?: string; common?: string }).node ?? ort.env.versions.common ?? 'unknown';
    return { ok: true, ort, version };
  } catch (error) {
    return { ok: false, reason: `onnxruntime-node could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
}

type OrtTensorType = 'float32' | 'uint8' | 'int8' | 'int16' | 'uint16';

/** A model input or pre-allocated output: the ONNX Runtime element type and the array holding the data. */
export interface OrtValue {
  readonly type: OrtTensorType;
  readonly data: Float32Array | Uint8Array | Int8Array | Int16Array | Uint16Array;
  readonly dims: readonly number[];
}

/** One model and how to feed it: what a row runs under ONNX Runtime. */
export interface OrtCase {
  /** The operator measured: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear. */
  readonly op: string;
  readonly model: Uint8Array;
  readonly inputs: Readonly<Record<string, OrtValue>>;
  /** Outputs to pre-allocate; outputs listed as null are allocated by ONNX Runtime (scalars). */
  readonly outputs: Readonly<Record<string, OrtValue | null>>;
  /** What differs from the quantkit columns of the row, if anything (shown as a footnote). */
  readonly note?: string;
}

export interface OrtColumn {
  readonly id: 'ort-1t' | 'ort-2t';
  readonly label: string;
  readonly threads: number;
}

export const ORT_COLUMNS: readonly OrtColumn[] = [
  { id: 'ort-1t', label: 'ONNX Runtime (1 thread)', threads: 1 },
  { id: 'ort-2t', label: 'ONNX Runtime (2 threads)', threads: 2 },
];

function tensorOf(ort: OrtModule, v: OrtValue): Ort.Tensor {
  return new ort.Tensor(v.type, v.data, v.dims);
}

/** A session ready to time: `run` is one session.run with the case's inputs and pre-allocated outputs. */
export interface OrtRunner {
  run(): Promise<unknown>;
  release(): Promise<void>;
}

export async function openOrt(ort: OrtModule, c: OrtCase, threads: number): Promise<OrtRunner> {
  const session = await ort.InferenceSession.create(c.model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds: Record<string, Ort.Tensor> = {};
  for (const [name, v] of Object.entries(c.inputs)) feeds[name] = tensorOf(ort, v);
  const fetches: Record<string, Ort.Tensor | null> = {};
  for (const [name, v] of Object.entries(c.outputs)) fetches[name] = v === null ? null : tensorOf(ort, v);
  return { run: () => session.run(feeds, fetches), release: () => session.release() };
}
