import type { ChunkJob } from './encode-chunk.js';

export interface EncodeRequest {
  readonly id: number;
  readonly job: ChunkJob;
}

export type EncodeReply =
  | { readonly id: number; readonly data: Uint8Array }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string; readonly code?: string } };
