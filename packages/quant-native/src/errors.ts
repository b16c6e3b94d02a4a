import { ErrorCodes } from '@quantkit/quant-core';

/**
 * The native backend's error codes: @quantkit/quant-core's ErrorCodes.NATIVE_* (every library error code lives in
 * core and docs/SPEC.md §8), under the names this package has always exported. Argument errors keep core's codes,
 * whichever backend runs. Every error is a QuantError carrying one of them as `code`.
 */
export const NativeErrorCodes = {
  UNAVAILABLE: ErrorCodes.NATIVE_UNAVAILABLE,
  ISA: ErrorCodes.NATIVE_ISA,
  THREADS: ErrorCodes.NATIVE_THREADS,
  ARGUMENT: ErrorCodes.NATIVE_ARGUMENT,
} as const;

export type NativeErrorCode = (typeof NativeErrorCodes)[keyof typeof NativeErrorCodes];
