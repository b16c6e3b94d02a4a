import { textTable } from './format.js';
import type { Table } from './tables.js';

/** A table for the console: title, aligned columns, notes. */
export function renderText(t: Table): string {
  const notes = t.notes.map((n) => `  * ${n}`);
  return [`== ${t.title}`, textTable(t.header, t.rows), ...notes].join('\n');
}
