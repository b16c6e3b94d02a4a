/*
 * Names from files (tensor names, metadata strings) and paths reach the terminal. A name holding ESC can recolour or
 * retitle the terminal, move the cursor or hide the rest of a line, and a bidi override (U+202E) can make one name
 * read as another. Everything the CLI prints for humans goes through `visible`, which shows such characters as
 * escapes instead of sending them: ESC becomes the four characters "\x1b", U+202E the six characters "\u202e".
 */

/**
 * C0 controls, DEL, C1 controls, the bidi embeddings/overrides/isolates and marks (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069) and the Unicode line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOf(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control and bidi character shown as an escape (newlines too: the result is one line). */
export function visible(text: string): string {
  return text.replace(UNSAFE, escapeOf);
}

/** Like `visible`, but keeps the line breaks of a multi-line message (each line is escaped on its own). */
export function visibleLines(text: string): string {
  return text
    .split('\n')
    .map((line) => visible(line))
    .join('\n');
}

/** UNSAFE without C0: JSON.stringify escapes C0 inside strings, and its own line breaks are the layout. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON for stdout, indented. JSON.stringify already escapes C0 controls inside strings; DEL, C1 and the bidi
 * characters are legal raw JSON but would reach a terminal that shows the output, so they are written as \u
 * escapes too. The JSON parses back to exactly the same strings.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

