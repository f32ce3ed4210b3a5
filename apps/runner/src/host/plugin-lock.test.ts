/** The integrity of a plugin package: its files (not node_modules or .git), their paths and sizes; links hashed, not followed. */
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { integrityOf } from './plugin-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-integrity-'));
  await writeFile(join(dir, 'package.json'), '{"name":"p","version":"1.0.0"}');
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'dist', 'index.js'), 'export default 1;');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('integrityOf', () => {
  it('is sha256 in base64, the same for the same files', async () => {
    const a = await integrityOf(dir);
    expect(a).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    expect(await integrityOf(dir)).toBe(a);
  });

  it('changes with a file’s bytes, a new file, or a file’s name', async () => {
    const a = await integrityOf(dir);
    await writeFile(join(dir, 'dist', 'index.js'), 'export default 2;');
    const b = await integrityOf(dir);
    expect(b).not.toBe(a);
    await writeFile(join(dir, 'dist', 'extra.js'), '');
    const c = await integrityOf(dir);
    expect(c).not.toBe(b);
    await rename(join(dir, 'dist', 'extra.js'), join(dir, 'dist', 'other.js'));
    expect(await integrityOf(dir)).not.toBe(c);
  });

  it('ignores node_modules and .git; hashes a link as where it points', async () => {
    const a = await integrityOf(dir);
    await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true });
    await writeFile(join(dir, 'node_modules', 'dep', 'x.js'), 'x');
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'HEAD'), 'ref');
    expect(await integrityOf(dir)).toBe(a);
    await symlink('/etc/hostname', join(dir, 'link'));
    const linked = await integrityOf(dir);
    expect(linked).not.toBe(a);
    await rm(join(dir, 'link'));
    await symlink('/etc/hosts', join(dir, 'link'));
    expect(await integrityOf(dir)).not.toBe(linked);
  });

  it('hashes a loose module file alone, by its name and bytes', async () => {
    const file = join(dir, 'dist', 'index.js');
    const a = await integrityOf(file);
    await writeFile(join(dir, 'dist', 'beside.js'), 'unrelated');
    expect(await integrityOf(file)).toBe(a);
    await writeFile(file, 'export default 3;');
    expect(await integrityOf(file)).not.toBe(a);
  });
});
