import type { Backend } from '@quantkit/quant-core';
import type { BackendColumn } from '../backends.js';
import type { OrtCase } from '../ort.js';

/**
 * One pass over the data, in bytes per element: what the memory system must move if the data does not fit in cache.
 * A pass that only reads is bounded by the read bandwidth, one that reads and writes by the copy bandwidth (limits.ts).
 */
export interface Pass {
  readonly read: number;
  readonly write: number;
}

/** What an operation needs to set itself up for one input. */
export interface PrepareContext {
  /** A backend to compute parameters and input codes with: the fastest available (they are identical on all). */
  readonly producer: Backend;
  /** Whether to build the ONNX Runtime case (false when onnxruntime-node is unavailable). */
  readonly withOrt: boolean;
}

/** An operation set up for one input: the timed call, and its ONNX Runtime counterpart if there is one. */
export interface PreparedOperation {
  /** The timed call on one backend. Outputs are allocated once, here, except where the operation says otherwise. */
  run(backend: Backend): void;
  readonly ort?: OrtCase;
  /**
   * What the last run computed, comparable with the ONNX Runtime case's first output (codes unpacked to one per
   * element): lets the tests check that both columns of a row do the same work. Absent for operations without an
   * ORT case.
   */
  result?(): ArrayLike<number>;
}

export interface Operation {
  readonly id: string;
  /** Table label, e.g. 'quantize tensor f32→u8'. */
  readonly label: string;
  /** One line on what exactly is timed. */
  readonly description: string;
  readonly passes: readonly Pass[];
  /** Why this operation cannot run on a column (e.g. no native histogram), or undefined when it can. */
  unsupported?(column: BackendColumn): string | undefined;
  /** Sets the operation up for x (the benchmark input of one size). */
  prepare(x: Float32Array, context: PrepareContext): PreparedOperation;
}
