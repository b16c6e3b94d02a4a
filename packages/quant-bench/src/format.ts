/** Number formatting shared by the console tables and the markdown report. */

/** Elements per second: '1.85 G/s', '123 M/s', '45.6 K/s'. */
export function formatRate(eps: number): string {
  if (eps >= 1e9) return `${(eps / 1e9).toFixed(2)} G/s`;
  if (eps >= 1e8) return `${(eps / 1e6).toFixed(0)} M/s`;
  if (eps >= 1e6) return `${(eps / 1e6).toFixed(1)} M/s`;
  return `${(eps / 1e3).toFixed(1)} K/s`;
}

/** Bytes per second: '11.2 GB/s'. */
export function formatBandwidth(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e9).toFixed(1)} GB/s`;
}

/** A speed ratio: '×12.3', '×0.85'. */
export function formatRatio(r: number): string {
  return r >= 10 ? `×${r.toFixed(0)}` : r >= 1 ? `×${r.toFixed(1)}` : `×${r.toFixed(2)}`;
}

export function formatPercent(f: number): string {
  return `${(f * 100).toFixed(0)}%`;
}

export function formatMicroseconds(us: number): string {
  return us >= 100 ? `${us.toFixed(0)} µs` : us >= 10 ? `${us.toFixed(1)} µs` : `${us.toFixed(2)} µs`;
}

export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

/** Pads cells into aligned columns (first column left-aligned, the rest right-aligned). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
