import { ErrorCodes, fail } from '../errors.js';

/* Standard base64 (RFC 4648, with padding) of bytes, without Node's Buffer: quant-core runs anywhere. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunk += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=') + (i + 2 < bytes.length ? ALPHABET[n & 63]! : '=');
    if (chunk.length >= 4096) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/** The bytes of padded base64 text; anything else (bad characters, length, padding) is ERR_QUANT_INPUT_TYPE. */
export function base64ToBytes(text: string, name: string): Uint8Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (text.length % 4 !== 0) fail(ErrorCodes.INPUT_TYPE, `${name} is not base64: its length ${text.length} is not a multiple of 4`);
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  for (let i = 0, o = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const pad = i + j >= text.length - padding;
      const v = pad ? (c === 61 ? 0 : -1) : c < 128 ? VALUES[c]! : -1;
      if (v < 0) fail(ErrorCodes.INPUT_TYPE, `${name} is not base64: character ${i + j} is ${JSON.stringify(text[i + j])}`);
      n = (n << 6) | v;
    }
    bytes[o++] = n >> 16;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return bytes;
}
