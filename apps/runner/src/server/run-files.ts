/**
 * File access for runs started by the server: like the CLI's, but every read must stay inside
 * the workspace (a graph sent by a client may not read the rest of the machine).
 */
import { resolve } from 'node:path';
import { NodeError, type FileAccess } from '@stylegraph/core';
import { NodeFiles } from '../host/node-files.js';
import type { HostFolders } from '../host/isolate/host-folders.js';
import { WorkspaceError, type Workspace } from './workspace.js';

export class RunFiles implements FileAccess {
  private readonly inner: NodeFiles;
  /** Files written, workspace-relative. */
  readonly written: string[] = [];
  /** The run's folders, for the host service `hostFolders`. */
  readonly folders: HostFolders;

  /** With `durable`: the files written (relative to the output folder) and their SHA-256. */
  get durable(): readonly { path: string; sha256: string }[] {
    return this.inner.durable;
  }

  constructor(
    private readonly workspace: Workspace,
    private readonly readRoot: string,
    outDir: string,
    opts: { readonly durable?: boolean } = {},
  ) {
    this.inner = new NodeFiles({ readRoot, outDir, outBase: workspace.root, ...(opts.durable && { durable: true }) });
    this.folders = { graphDir: readRoot, out: outDir };
  }

  private async check(path: string): Promise<void> {
    try {
      await this.workspace.resolve(this.workspace.relative(resolve(this.readRoot, path)));
    } catch (e) {
      if (e instanceof WorkspaceError) throw new NodeError('FILE_READ', `cannot read ${path}: outside the workspace`);
      throw e;
    }
  }

  async read(path: string): Promise<Uint8Array> {
    await this.check(path);
    return this.inner.read(path);
  }

  async exists(path: string): Promise<boolean> {
    await this.check(path);
    return this.inner.exists(path);
  }

  async hash(path: string): Promise<string> {
    await this.check(path);
    return this.inner.hash(path);
  }

  async write(path: string, data: Uint8Array): Promise<string> {
    const shown = this.workspace.relative(resolve(await this.inner.write(path, data)));
    this.written.push(shown);
    return shown;
  }
}
