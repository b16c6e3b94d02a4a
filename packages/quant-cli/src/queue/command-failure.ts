import type { Failure } from '@quantkit/quant-queue';

/**
 * An error of `quant onnx` or `quant gguf` as that command reports it (its own codes and exit statuses, which the
 * quant CLI's error kinds do not list): the queue records it on the job as it is.
 */
export class CommandFailure extends Error {
  constructor(
    readonly failure: Failure,
    cause?: unknown,
  ) {
    super(failure.message, { cause });
    this.name = 'CommandFailure';
  }
}
