/**
 * An error of the queue itself (not of a file): `kind` names the CLI error kind it maps onto (quant-cli's errors.ts:
 * USAGE -> E_USAGE, NOT_FOUND -> E_NOT_FOUND, REDIS -> E_IO), so the commands report it with the CLI's codes.
 */
export class QueueError extends Error {
  constructor(
    readonly kind: 'USAGE' | 'NOT_FOUND' | 'REDIS',
    message: string,
  ) {
    super(message);
    this.name = 'QueueError';
  }
}

/** The code and exit status the run records for a job stopped by `quant cancel` (the CLI's interrupt status). */
export const CANCELLED = { code: 'E_ABORTED', exitStatus: 130, message: 'cancelled (quant cancel)' } as const;
