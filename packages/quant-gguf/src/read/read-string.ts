import { fail } from '../errors.js';
import { MAX_STRING_BYTES } from '../format/limits.js';
import type { ByteReader } from './byte-reader.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A gguf_string_t: a u64 byte length, then that many bytes of UTF-8. The length is checked before anything is read. */
export async function readString(r: ByteReader, what: string, file: string, maxBytes = MAX_STRING_BYTES): Promise<string> {
  const length = await r.u64(`the length of ${what}`);
  if (length > BigInt(maxBytes)) {
    fail('E_GGUF_LIMIT', `${what} claims ${length} bytes; at most ${maxBytes} are accepted`, { file });
  }
  const n = Number(length);
  if (n > r.remaining) {
    fail('E_GGUF_TRUNCATED', `${what} claims ${n} bytes at offset ${r.pos}, but the file has only ${r.remaining} left`, { file });
  }
  const bytes = await r.bytes(n, what);
  try {
    return UTF8.decode(bytes);
  } catch {
    return fail('E_GGUF_METADATA', `${what} at offset ${r.pos - n} is not valid UTF-8`, { file });
  }
}
