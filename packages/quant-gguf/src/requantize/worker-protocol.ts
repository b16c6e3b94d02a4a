import type { ChunkJob } from './encode-chunk.js';

export interface EncodeRequest {
  readonly id: number;
  readonly job: ChunkJob;
}

export type EncodeReply =
  /** input: the request's bytes handed back for reuse, when the result does not share their buffer. */
  | { readonly id: number; readonly data: Uint8Array; readonly input?: Uint8Array }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string; readonly code?: string } };
