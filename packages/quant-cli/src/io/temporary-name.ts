import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/*
 * Temporary outputs are hidden siblings of their target: ".<name>.quant-<host>-<pid>-<8 hex>.tmp". The host name and
 * pid say who owns one, so a later run can tell a temporary left by a dead process of this machine (safe to remove)
 * from one another machine is writing right now on a shared mount (never touched).
 */

/** The host name as it appears in temporary names: characters outside [A-Za-z0-9.-] are %XX-escaped (UTF-8). */
export function hostTag(name: string = hostname()): string {
  const escaped = Array.from(new TextEncoder().encode(name), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9.-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
  return escaped === '' ? '%00' : escaped;
}

function prefixFor(target: string): string {
  return `.${basename(target)}.quant-`;
}

export function temporaryPathFor(target: string): string {
  return join(dirname(target), `${prefixFor(target)}${hostTag()}-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Who wrote a temporary file of `target`, read from its name; undefined for any other file (older names included). */
export function temporaryOwner(target: string, fileName: string): { host: string; pid: number } | undefined {
  const prefix = prefixFor(target);
  if (!fileName.startsWith(prefix)) return undefined;
  // The host tag may itself hold '-': the pid and the random part are matched from the end.
  const m = /^(.+)-(\d{1,10})-[0-9a-f]{8}\.tmp$/.exec(fileName.slice(prefix.length));
  if (!m) return undefined;
  return { host: m[1]!, pid: Number(m[2]) };
}
