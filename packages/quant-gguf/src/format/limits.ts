/*
 * What the reader accepts. A count or length past these is E_GGUF_LIMIT; one within them that the rest of the file
 * cannot hold (it is checked against the bytes left before anything is allocated) is E_GGUF_TRUNCATED.
 */

/** ggml's GGUF_MAX_STRING_LENGTH. */
export const MAX_STRING_BYTES = 1 << 30;

/** Items of one metadata array. ggml allows 2^30; a JavaScript array of that many values would not fit in the heap,
 * and real vocabularies hold a few hundred thousand. */
export const MAX_ARRAY_ITEMS = 1 << 24;

/** Arrays nested in arrays: each level is a recursive call. */
export const MAX_ARRAY_DEPTH = 16;

export const MAX_TENSORS = 1 << 20;
export const MAX_METADATA_ENTRIES = 1 << 20;

/** ggml's GGML_MAX_DIMS. */
export const MAX_DIMS = 4;

/** ggml's GGML_MAX_NAME is 64 bytes including the terminating NUL. */
export const MAX_TENSOR_NAME_BYTES = 63;

/** Element counts, offsets and sizes are JavaScript numbers: integers up to 2^53 - 1. */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export const DEFAULT_ALIGNMENT = 32;

export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
