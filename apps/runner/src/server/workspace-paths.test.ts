/**
 * The workspace's path checks and listings, directly: each refusal with its code and message,
 * links out of the workspace, missing files, and what list / listFolders skip.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, WorkspaceError } from './workspace.js';

let root: string;
let outside: string;
let ws: Workspace;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-wsp-'));
  outside = await mkdtemp(join(tmpdir(), 'sg-wsp-out-'));
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await mkdir(join(root, 'a/b'), { recursive: true });
  await writeFile(join(root, 'a/b/g.graph.json'), '{}');
  await writeFile(join(root, 'top.graph.json'), '{}');
  await writeFile(join(root, 'a/x.txt'), 'x');
  for (const skipped of ['node_modules', '.git', '.nx', 'dist', '.hidden']) {
    await mkdir(join(root, skipped), { recursive: true });
    await writeFile(join(root, skipped, 'skip.graph.json'), '{}');
  }
  await writeFile(join(root, '.dot.graph.json'), '{}');
  await symlink(outside, join(root, 'out-link'));
  await symlink(join(root, 'a'), join(root, 'in-link'));
  ws = new Workspace(join(root, 'a', '..'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WorkspaceError);
    expect((e as Error).name).toBe('WorkspaceError');
    return { code: (e as WorkspaceError).code, message: (e as Error).message };
  }
  throw new Error('not refused');
};

describe('Workspace.resolve', () => {
  it('resolves relative paths inside, the root included', async () => {
    expect(ws.root).toBe(root);
    expect(await ws.resolve('a/b/g.graph.json')).toBe(join(root, 'a/b/g.graph.json'));
    expect(await ws.resolve('.')).toBe(root);
    expect(await ws.resolve('a/../top.graph.json')).toBe(join(root, 'top.graph.json'));
    // Not existing yet is fine, below an existing folder inside.
    expect(await ws.resolve('a/new/deeper/file.txt')).toBe(join(root, 'a/new/deeper/file.txt'));
    // A link that stays inside is followed.
    expect(await ws.resolve('in-link/x.txt')).toBe(join(root, 'in-link/x.txt'));
  });

  it('refuses NUL, absolute and drive paths, .. escapes and links out, each with its message', async () => {
    expect(await refusal(ws.resolve('a\0b'))).toEqual({ code: 'BAD_PATH', message: 'a path may not contain NUL' });
    expect(await refusal(ws.resolve('/etc/passwd'))).toEqual({ code: 'OUTSIDE_WORKSPACE', message: '/etc/passwd: paths are relative to the workspace' });
    expect(await refusal(ws.resolve('C:x'))).toEqual({ code: 'OUTSIDE_WORKSPACE', message: 'C:x: paths are relative to the workspace' });
    expect(await refusal(ws.resolve('z:/x'))).toEqual({ code: 'OUTSIDE_WORKSPACE', message: 'z:/x: paths are relative to the workspace' });
    expect(await refusal(ws.resolve('../x'))).toEqual({ code: 'OUTSIDE_WORKSPACE', message: `../x: outside the workspace ${root}` });
    expect(await refusal(ws.resolve('a/../../x'))).toEqual({ code: 'OUTSIDE_WORKSPACE', message: `a/../../x: outside the workspace ${root}` });
    expect(await refusal(ws.resolve('out-link/secret.txt'))).toEqual({ code: 'OUTSIDE_WORKSPACE', message: `out-link/secret.txt: leads outside the workspace ${root}` });
    expect(await refusal(ws.resolve('out-link/not-there/x'))).toEqual({ code: 'OUTSIDE_WORKSPACE', message: `out-link/not-there/x: leads outside the workspace ${root}` });
    // Names that merely look like a drive or contain dots are fine.
    expect(await ws.resolve('1:x')).toBe(join(root, '1:x'));
    expect(await ws.resolve('a/C:x')).toBe(join(root, 'a/C:x'));
    expect(await ws.resolve('...')).toBe(join(root, '...'));
  });

  it('checks containment by path segments', () => {
    expect(ws.contains(root)).toBe(true);
    expect(ws.contains(join(root, 'a'))).toBe(true);
    expect(ws.contains(`${root}-sibling`)).toBe(false);
    expect(ws.contains(join(root, '..'))).toBe(false);
    expect(ws.relative(join(root, 'a/b/g.graph.json'))).toBe('a/b/g.graph.json');
  });
});

describe('Workspace files', () => {
  it('reads a file, and says when there is none', async () => {
    expect(new TextDecoder().decode(await ws.readFile('a/x.txt'))).toBe('x');
    expect(await refusal(ws.readFile('a/none.txt'))).toEqual({ code: 'NOT_FOUND', message: 'a/none.txt: no such file' });
    // Other failures are not "no such file".
    await expect(ws.readFile('a')).rejects.toMatchObject({ code: 'EISDIR' });
    expect((await refusal(ws.readFile('../x'))).code).toBe('OUTSIDE_WORKSPACE');
  });

  it('writes inside, refuses to overwrite unless asked, and refuses paths out', async () => {
    await ws.writeFile('w/new.txt', 'one', { overwrite: false });
    expect(new TextDecoder().decode(await ws.readFile('w/new.txt'))).toBe('one');
    expect((await refusal(ws.writeFile('w/new.txt', 'two', { overwrite: false }))).code).toBe('EXISTS');
    await ws.writeFile('w/new.txt', 'two', { overwrite: true });
    expect(new TextDecoder().decode(await ws.readFile('w/new.txt'))).toBe('two');
    expect((await refusal(ws.writeFile('../escape.txt', 'x', { overwrite: false }))).code).toBe('OUTSIDE_WORKSPACE');
    expect((await refusal(ws.writeFile('out-link/x.txt', 'x', { overwrite: false }))).code).toBe('OUTSIDE_WORKSPACE');
  });

  it('lists matching files in order, skipping dependency, build, VCS and dot folders and dot files', async () => {
    expect(await ws.list((n) => n.endsWith('.graph.json'))).toEqual(['a/b/g.graph.json', 'top.graph.json']);
    expect(await ws.list((n) => n.endsWith('.graph.json'), 'a')).toEqual(['a/b/g.graph.json']);
    // Depth counts the folders walked into: a/b/ is two deep.
    expect(await ws.list((n) => n.endsWith('.graph.json'), '.', 2)).toEqual(['a/b/g.graph.json', 'top.graph.json']);
    expect(await ws.list((n) => n.endsWith('.graph.json'), '.', 1)).toEqual(['top.graph.json']);
    expect(await ws.list((n) => n.endsWith('.graph.json'), '.', 0)).toEqual(['top.graph.json']);
    expect(await ws.list(() => true, 'a/b')).toEqual(['a/b/g.graph.json']);
    expect(await ws.list(() => true, 'missing')).toEqual([]);
    await expect(ws.list(() => true, '../')).rejects.toBeInstanceOf(WorkspaceError);
  });

  it('lists folders holding every named file', async () => {
    await writeFile(join(root, 'a/b/config.json'), '{}');
    expect(await ws.listFolders(['g.graph.json', 'config.json'])).toEqual(['a/b']);
    expect(await ws.listFolders(['top.graph.json'])).toEqual(['.']);
    expect(await ws.listFolders(['g.graph.json'], 1)).toEqual([]);
    expect(await ws.listFolders(['skip.graph.json'])).toEqual([]);
    expect(await ws.listFolders([])).toContain('.');
  });
});
