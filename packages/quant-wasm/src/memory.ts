import { QuantError, ErrorCodes } from '@quantkit/quant-core';
import { memoryError, type ModuleState } from './calls.js';

/*
 * The zero-copy path: typed arrays allocated inside the module's linear memory, which kernel calls use in place
 * (no copy in or out). Allocation is a bump arena (native/wasm/src/arena.cc): free() releases the most recent arrays
 * (in reverse order of allocation), reset() all of them.
 *
 * Growing linear memory replaces its ArrayBuffer, which detaches every view of the old one (a WebAssembly rule). A
 * WasmArray therefore hands out its view through `.array`, re-made after a growth; a view kept across a later
 * allocation may be detached (kernel calls then refuse it with ERR_QUANT_DETACHED). reserve(bytes) grows memory once
 * up front, so that allocations within it never grow it again.
 */

type ArrayType = Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;
type ArrayOf<C extends ArrayType> = InstanceType<C>;

/** A typed array inside module memory; `.array` is always a live view of it. */
export interface WasmArray<C extends ArrayType = ArrayType> {
  readonly array: ArrayOf<C>;
  readonly byteOffset: number;
  readonly length: number;
}

export interface WasmMemory {
  /** A zeroed array of `length` elements of `type` inside module memory (16-byte aligned). */
  allocate<C extends ArrayType>(type: C, length: number): WasmArray<C>;
  /** Releases `a` and every array allocated after it. */
  free(a: WasmArray): void;
  /** Releases every array. */
  reset(): void;
  /** Grows linear memory so that `bytes` more bytes of arrays need no further growth. */
  reserve(bytes: number): void;
  /** Bytes of linear memory now. */
  readonly byteLength: number;
}

export function createWasmMemory(m: ModuleState, base: number): WasmMemory {
  return {
    allocate<C extends ArrayType>(type: C, length: number): WasmArray<C> {
      if (!Number.isSafeInteger(length) || length < 0) throw new QuantError(ErrorCodes.SHAPE, `length must be a non-negative integer, got ${String(length)}`);
      const bytes = length * type.BYTES_PER_ELEMENT;
      const ptr = m.alloc(bytes);
      (m.view(1) as Uint8Array).fill(0, ptr, ptr + bytes);
      let view: ArrayOf<C> | undefined;
      return {
        byteOffset: ptr,
        length,
        get array(): ArrayOf<C> {
          if (view === undefined || view.buffer !== m.ex.memory.buffer) view = new type(m.ex.memory.buffer, ptr, length) as ArrayOf<C>;
          return view;
        },
      };
    },
    free(a: WasmArray): void {
      m.ex.qk_reset(Math.max(a.byteOffset, base));
    },
    reset(): void {
      m.ex.qk_reset(base);
    },
    reserve(bytes: number): void {
      const mark = m.ex.qk_mark();
      if (!Number.isSafeInteger(bytes) || bytes < 0) throw new QuantError(ErrorCodes.RANGE, `bytes must be a non-negative integer, got ${String(bytes)}`);
      if (bytes > 0xffffffff) throw memoryError(bytes);
      m.alloc(bytes);
      m.ex.qk_reset(mark);
    },
    get byteLength(): number {
      return m.ex.memory.buffer.byteLength;
    },
  };
}
