/** Removes the temporary files a worker killed mid-write left in an output folder (`.name.xxxx.tmp`, see safe-write). */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;

export async function sweepTemporary(dir: string, depth = 8): Promise<number> {
  let removed = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isDirectory() && depth > 0) removed += await sweepTemporary(join(dir, e.name), depth - 1);
    else if (e.isFile() && TEMPORARY.test(e.name)) {
      await rm(join(dir, e.name), { force: true });
      removed++;
    }
  }
  return removed;
}
