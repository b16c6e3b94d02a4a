import { readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostTag, temporaryOwner } from './temporary-name.js';

/*
 * A process killed outright (SIGKILL, a crash, power loss) leaves its temporary output behind. A later run writing the
 * same destination removes those of dead processes of this host. It never touches a temporary of another host (the
 * output directory may be a mount other machines write to, and their pids mean nothing here), of a live process (a
 * concurrent run), or one whose name does not say who made it (an older quant's).
 */

/** Names of the temporary-looking files of each directory, read once per run (one listing, however many outputs). */
const listings = new Map<string, Promise<string[]>>();

function temporariesIn(dir: string): Promise<string[]> {
  let names = listings.get(dir);
  if (names === undefined) {
    names = readdir(dir).then(
      (all) => all.filter((n) => n.startsWith('.') && n.endsWith('.tmp')),
      () => [], // No directory yet: nothing to clean.
    );
    listings.set(dir, names);
  }
  return names;
}

/** False only when no process has that pid (kill(pid, 0) fails with ESRCH); EPERM is someone else's live process. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Removes the temporary files of `target` left by dead processes of this host; returns their names. */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const dir = dirname(target);
  const host = hostTag();
  const removed: string[] = [];
  for (const name of await temporariesIn(dir)) {
    const owner = temporaryOwner(target, name);
    if (owner === undefined || owner.host !== host || owner.pid <= 0 || owner.pid === process.pid || isAlive(owner.pid)) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      // Removed meanwhile (by another run), or not ours to remove: leave it.
    }
  }
  return removed;
}

