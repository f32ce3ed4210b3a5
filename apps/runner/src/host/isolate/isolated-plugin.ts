/**
 * A third-party code plugin run outside the host process. The host never imports its code: a
 * process started with Node's permission model imports it and describes it as data, and the host
 * registers a stand-in definition whose every node runs in that process. File grants are fixed
 * when a process starts, so there is one process per set of granted folders (the bare one that
 * answers validation's questions, one per graph folder and output folder it ran in).
 */
import { mkdtempSync, realpathSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NodeError, remotePlugin, type ChildMessage, type ErrorWire, type HostMessage, type PluginDefinition, type PluginWire, type PortKind, type Request, type RunContext } from '@stylegraph/core';
import type { HostFolders } from './host-folders.js';
import type { Capabilities } from '../plugin-manifest.js';
import { hostPackages, stagePlugin, stagedChildFile, stagingFolder } from './host-roots.js';
import type { BridgeData, BridgeIn, BridgeOut } from './bridge.js';
import { fileTransport } from './transfer.js';

/** Node's permission model names denied APIs; these are the capability names a manifest uses. */
const PERMISSION_CAPABILITY: Readonly<Record<string, string>> = {
  FileSystemRead: 'fs.read',
  FileSystemWrite: 'fs.write',
  ChildProcess: 'childProcess',
  WorkerThreads: 'worker',
  Addons: 'addons',
  WASI: 'wasi',
  Net: 'net',
};

// The bridge and the plugin process run compiled code (tests import this module from its source).
const here = fileURLToPath(new URL('.', import.meta.url)).replace(/([\\/])src([\\/]host[\\/]isolate[\\/])$/, '$1dist$2');
const SYNC_TIMEOUT_MS = 10_000;
const SAB_BYTES = 4 * 2 ** 20;

export interface IsolationOptions {
  /** Package name the plugin is known by (from its package.json, or its file for a loose module). */
  readonly label: string;
  /** The module to import. */
  readonly entry: string;
  /** What the plugin may read besides the host's packages: its own package folder, or its one file. */
  readonly ownFiles: string;
  /** `ownFiles` is a loose module file, not a package folder. */
  readonly ownIsFile: boolean;
  readonly capabilities: Capabilities;
  /** Kinds the host knows (core's and other plugins'), by name. */
  readonly kind: (name: string) => PortKind | undefined;
  /** The workspace folder a server serves ($workspace); the CLI: none. */
  readonly workspace?: string;
}

let exchangeRoot: string | undefined;
/** One folder per host process for values passed through files; removed when the host exits. */
function exchangeFolder(): string {
  if (exchangeRoot) return exchangeRoot;
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  exchangeRoot = realpathSync(mkdtempSync(join(base, 'stylegraph-x-')));
  process.once('exit', () => rmSync(exchangeRoot!, { recursive: true, force: true }));
  return exchangeRoot;
}

/** A declared path with its placeholder replaced; undefined when the host has no such folder now. */
function grantPath(p: string, roots: HostFolders & { workspace?: string; tmp: string }): string | undefined {
  const m = /^\$(graphDir|out|workspace|tmp)(\/.*)?$/.exec(p);
  if (!m) return p;
  const base = { graphDir: roots.graphDir, out: roots.out, workspace: roots.workspace, tmp: roots.tmp }[m[1] as 'graphDir'];
  return base === undefined ? undefined : resolve(base, `.${m[2] ?? ''}`);
}

class Bridge {
  private readonly worker: Worker;
  private readonly sab = new SharedArrayBuffer(SAB_BYTES);
  private readonly flag = new Int32Array(this.sab, 0, 2);
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: ErrorWire) => void; onMessage?: (m: ChildMessage) => void }>();
  readonly loaded: Promise<PluginWire>;

  constructor(data: Omit<BridgeData, 'sab'>) {
    this.worker = new Worker(join(here, 'bridge.js'), { workerData: { ...data, sab: this.sab } });
    this.worker.unref();
    this.loaded = new Promise((resolveLoaded, rejectLoaded) => {
      this.worker.on('message', (m: BridgeOut) => {
        if (m.op === 'loaded') resolveLoaded(m.plugin as PluginWire);
        else if (m.op === 'load-failed') rejectLoaded(m.error);
        else if (m.op === 'done') {
          const call = this.calls.get(m.id);
          this.calls.delete(m.id);
          if (m.error) call?.reject(m.error);
          else call?.resolve(m.result);
        } else this.calls.get(m.id)?.onMessage?.(m);
      });
      this.worker.on('error', (e) => rejectLoaded({ message: e.message }));
    });
    this.loaded.catch(() => undefined);
    this.post({ op: 'start' });
  }

  private post(m: BridgeIn, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(m, transfer);
  }

  call(msg: Request, opts: { timeoutMs?: number; onMessage?: (m: ChildMessage) => void } = {}): { id: number; done: Promise<unknown> } {
    const id = this.nextId++;
    const done = new Promise((resolveCall, rejectCall) => {
      this.calls.set(id, { resolve: resolveCall, reject: rejectCall, ...(opts.onMessage && { onMessage: opts.onMessage }) });
    });
    this.post({ op: 'call', msg: { ...msg, id } as unknown as HostMessage & { id: number }, ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }) });
    return { id, done };
  }

  /** Blocks this thread until the plugin answers (validation asks synchronously). */
  callSync(msg: Request): unknown {
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.post({ op: 'call', msg: { ...msg, id } as unknown as HostMessage & { id: number }, sync: true, timeoutMs: SYNC_TIMEOUT_MS });
    const waited = Atomics.wait(this.flag, 0, 0, SYNC_TIMEOUT_MS + 1000);
    if (waited === 'timed-out') throw new Error('the plugin did not answer');
    const len = Atomics.load(this.flag, 1);
    const answer = JSON.parse(new TextDecoder().decode(new Uint8Array(this.sab, 8, len).slice())) as { result?: unknown; error?: ErrorWire };
    if (answer.error) throw new Error(answer.error.message);
    return answer.result;
  }

  forward(msg: HostMessage): void {
    this.post({ op: 'forward', msg });
  }

  stop(): void {
    this.post({ op: 'stop' });
  }
}

/** The error a node run in the plugin's process failed with, as the host reports it. */
function nodeErrorOf(label: string, e: ErrorWire, caps: Capabilities, when = ''): Error {
  if (e.code === 'PLUGIN_CAPABILITY') {
    const cap = PERMISSION_CAPABILITY[e.capability ?? ''] ?? e.capability ?? 'unknown';
    const declared = cap === 'fs.read' ? caps.fs.read : cap === 'fs.write' ? caps.fs.write : undefined;
    const why = declared ? `outside its declared ${cap} paths (${declared.length ? declared.join(', ') : 'none'})` : `"${cap}" is not among its capabilities`;
    return new NodeError('PLUGIN_CAPABILITY', `plugin ${label} was denied ${cap}${e.resource ? ` (${e.resource})` : ''}${when}: ${why}; see stylegraph.capabilities in its package.json`, { plugin: label, capability: cap, ...(e.resource && { resource: e.resource }) });
  }
  return new NodeError(e.code ?? 'NODE_FAILED', e.message, { plugin: label, ...(e.capability && { capability: e.capability }), ...e.details });
}

export class IsolatedPlugin {
  private readonly bridges = new Map<string, Bridge>();
  private readonly bare: Bridge;
  private tmp?: string;
  /** The entry as the plugin's process imports it: through its link in the staging folder. */
  private readonly stagedEntry: string;

  private constructor(private readonly opts: IsolationOptions) {
    this.stagedEntry = stagePlugin(opts.ownFiles, opts.entry, opts.ownIsFile);
    this.bare = this.bridge({});
  }

  /** Starts the plugin's process and builds the definition the host registers. */
  static async start(opts: IsolationOptions): Promise<{ host: IsolatedPlugin; plugin: PluginDefinition }> {
    const host = new IsolatedPlugin(opts);
    let wire: PluginWire;
    try {
      wire = await host.bare.loaded;
    } catch (e) {
      host.close();
      const w = e as ErrorWire;
      throw new Error(w.code === 'PLUGIN_CAPABILITY' ? nodeErrorOf(opts.label, w, opts.capabilities, ' while loading').message : `plugin ${opts.label}: ${w.message}`, { cause: e });
    }
    return { host, plugin: host.definition(wire) };
  }

  close(): void {
    for (const b of this.bridges.values()) b.stop();
    this.bridges.clear();
    if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
  }

  private bridge(roots: HostFolders): Bridge {
    const c = this.opts.capabilities;
    this.tmp ??= mkdtempSync(join(exchangeFolder(), 'tmp-'));
    const where = { ...roots, ...(this.opts.workspace !== undefined && { workspace: this.opts.workspace }), tmp: this.tmp };
    const read = c.fs.read.map((p) => grantPath(p, where)).filter((p): p is string => p !== undefined);
    const write = c.fs.write.map((p) => grantPath(p, where)).filter((p): p is string => p !== undefined);
    const key = JSON.stringify([read, write]);
    const known = this.bridges.get(key);
    if (known) return known;
    const exchange = exchangeFolder();
    const sibling = join(dirname(this.opts.ownFiles), 'node_modules');
    const own = this.opts.ownIsFile && existsSync(sibling) ? [this.opts.ownFiles, realpathSync(sibling)] : [this.opts.ownFiles];
    const execArgv = [
      '--experimental-permission',
      '--disable-warning=ExperimentalWarning',
      '--preserve-symlinks',
      '--preserve-symlinks-main',
      `--max-old-space-size=${c.maxMemoryMB}`,
      ...[...hostPackages().readable, stagingFolder(), ...own, exchange, ...read].map((p) => `--allow-fs-read=${p}`),
      ...[exchange, ...write].map((p) => `--allow-fs-write=${p}`),
      ...(c.childProcess ? ['--allow-child-process'] : []),
    ];
    const b = new Bridge({
      plugin: this.opts.label,
      childFile: stagedChildFile(),
      execArgv,
      // Nothing of the host's environment (tokens, keys) reaches the plugin.
      env: { ...(c.net && { STYLEGRAPH_PLUGIN_NET: '1' }) },
      exchangeDir: exchange,
      entry: this.stagedEntry,
      maxMemoryMB: c.maxMemoryMB,
    });
    this.bridges.set(key, b);
    return b;
  }

  private definition(wire: PluginWire): PluginDefinition {
    return remotePlugin(wire, {
      label: this.opts.label,
      kind: this.opts.kind,
      link: {
        values: fileTransport(exchangeFolder()),
        // One process per set of granted folders: the run's graph and output folders pick it.
        run: (req, ctx: RunContext, onMessage) => {
          const roots: HostFolders = 'hostFolders' in ctx.services ? ctx.services.hostFolders : {};
          const bridge = this.bridge(roots);
          const call = bridge.call(req, { timeoutMs: this.opts.capabilities.timeoutS * 1000, onMessage });
          return { ...call, forward: (m: HostMessage) => bridge.forward(m) };
        },
        ask: (req) => this.bare.callSync(req),
        error: (e) => nodeErrorOf(this.opts.label, e, this.opts.capabilities),
      },
    });
  }
}
