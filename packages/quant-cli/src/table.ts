import { visible } from './safe-text.js';

/**
 * A plain-text table: columns padded to their widest cell, numbers right-aligned, two spaces between columns. Cells
 * hold names from files, so their control characters are shown escaped (one table row stays one line).
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const safeRows = rows.map((r) => r.map(visible));
  const widths = headers.map((h, c) => Math.max(h.length, ...safeRows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...safeRows.map(line)].join('\n');
}
