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
import { hostPackages, stagePlugin, type Staged } from './host-roots.js';
import type { BridgeData, BridgeIn, BridgeOut } from './bridge.js';
import { fileTransport } from './transfer.js';
import { within } from '../safe-write.js';

/** Node's permission model names denied APIs; these are the capability names a manifest uses. */
const PERMISSION_CAPABILITY: Readonly<Record<string, string>> = {
  FileSystemRead: 'fs.read',
  FileSystemWrite: 'fs.write',
  ChildProcess: 'childProcess',
  WorkerThreads: 'worker',
  Addons: 'addons',
  WASI: 'wasi',
  Net: 'net',
  Internals: 'internals',
};

// The bridge and the plugin process run compiled code (tests import this module from its source).
const here = fileURLToPath(new URL('.', import.meta.url)).replace(/([\\/])src([\\/]host[\\/]isolate[\\/])$/, '$1dist$2');
const SYNC_TIMEOUT_MS = 10_000;
const SAB_BYTES = 4 * 2 ** 20;
/** Node's permission model: `--permission` where this Node has it (22.13+), `--experimental-permission` before. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
/** Run processes kept per plugin (one per set of granted folders); idle ones beyond are stopped. */
const MAX_PROCESSES = 4;

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

/** A folder of its own, removed when the host exits (or sooner, with the plugin). */
function ownFolder(base: string, prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(base, prefix)));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A write grant may not reach code the host runs: a folder holding any of the host's packages,
 * the plugin's own files or staging folder, or a node_modules folder (where trusted plugins live).
 */
function refuseCodeWrites(label: string, writes: readonly string[], code: readonly string[]): void {
  for (const w of writes) {
    const hit = code.find((c) => within(w, c)) ?? (existsSync(join(w, 'node_modules')) ? join(w, 'node_modules') : undefined);
    if (hit) throw new NodeError('PLUGIN_CAPABILITY', `plugin ${label} declares fs.write ${w}, which holds code the host runs (${hit}); refused — see stylegraph.capabilities in its package.json`, { plugin: label, capability: 'fs.write', resource: w });
  }
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
  private readonly flag = new Int32Array(this.sab, 0, 3);
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: ErrorWire) => void; onMessage?: (m: ChildMessage) => void }>();
  private stopped?: ErrorWire;
  readonly loaded: Promise<PluginWire>;
  /** Calls in flight (a process with none may be reaped). */
  get busy(): number {
    return this.calls.size;
  }

  constructor(private readonly data: Omit<BridgeData, 'sab'>) {
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
      // The bridge itself failing ends every call, and loading.
      const gone = (message: string) => {
        const error = { code: 'PLUGIN_CRASHED', message };
        rejectLoaded(error);
        this.failAll(error);
      };
      this.worker.on('error', (e) => gone(`plugin ${data.plugin}'s bridge failed: ${e.message}`));
      this.worker.on('exit', () => gone(`plugin ${data.plugin} was stopped`));
    });
    this.loaded.catch(() => undefined);
    this.post({ op: 'start' });
  }

  private failAll(error: ErrorWire): void {
    this.stopped ??= error;
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
  }

  private post(m: BridgeIn): void {
    this.worker.postMessage(m);
  }

  call(msg: Request, opts: { timeoutMs?: number; onMessage?: (m: ChildMessage) => void } = {}): { id: number; done: Promise<unknown> } {
    const id = this.nextId++;
    const done = new Promise((resolveCall, rejectCall) => {
      if (this.stopped) return rejectCall(this.stopped);
      this.calls.set(id, { resolve: resolveCall, reject: rejectCall, ...(opts.onMessage && { onMessage: opts.onMessage }) });
      this.post({ op: 'call', msg: { ...msg, id } as unknown as HostMessage & { id: number }, ...(opts.timeoutMs !== undefined && { timeoutMs: opts.timeoutMs }) });
    });
    return { id, done };
  }

  /** Blocks this thread until the plugin answers (validation asks synchronously); the answer names its call. */
  callSync(msg: Request, budget: string): unknown {
    if (this.stopped) throw new Error(this.stopped.message);
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    this.post({ op: 'call', msg: { ...msg, id } as unknown as HostMessage & { id: number }, sync: true, timeoutMs: SYNC_TIMEOUT_MS, budget });
    const until = Date.now() + SYNC_TIMEOUT_MS + 1000;
    for (;;) {
      const left = until - Date.now();
      if (left <= 0 || Atomics.wait(this.flag, 0, 0, left) === 'timed-out') throw new Error(budget);
      if (Atomics.load(this.flag, 2) === id) break;
      // A late answer to an earlier question that was given up on: not this one's.
      Atomics.store(this.flag, 0, 0);
    }
    const len = Atomics.load(this.flag, 1);
    return JSON.parse(new TextDecoder().decode(new Uint8Array(this.sab, 12, len).slice())) as { result?: unknown; error?: ErrorWire };
  }

  forward(call: number, msg: HostMessage): void {
    if (!this.stopped) this.post({ op: 'forward', call, msg });
  }

  stop(): void {
    this.failAll({ code: 'PLUGIN_STOPPED', message: `plugin ${this.data.plugin} was stopped` });
    this.post({ op: 'stop' });
  }
}

/** The error a node run in the plugin's process failed with, as the host reports it. */
function nodeErrorOf(label: string, e: ErrorWire, caps: Capabilities, when = ''): Error {
  if (e.code === 'PLUGIN_CAPABILITY') {
    const cap = PERMISSION_CAPABILITY[e.capability ?? ''] ?? e.capability ?? 'unknown';
    const declared = cap === 'fs.read' ? caps.fs.read : cap === 'fs.write' ? caps.fs.write : undefined;
    const why = declared
      ? `outside its declared ${cap} paths (${declared.length ? declared.join(', ') : 'none'})`
      : cap === 'internals' || cap === 'worker' || cap === 'addons' || cap === 'wasi'
        ? 'no plugin may use it'
        : `"${cap}" is not among its capabilities`;
    return new NodeError('PLUGIN_CAPABILITY', `plugin ${label} was denied ${cap}${e.resource ? ` (${e.resource})` : ''}${when}: ${why}; see stylegraph.capabilities in its package.json`, { plugin: label, capability: cap, ...(e.resource && { resource: e.resource }) });
  }
  return new NodeError(e.code ?? 'NODE_FAILED', e.message, { ...e.details, ...(e.capability && { capability: e.capability }), plugin: label });
}

export class IsolatedPlugin {
  private readonly bridges = new Map<string, Bridge>();
  private readonly bare: Bridge;
  /** Its staging folder: what its process imports through. */
  private readonly staged: Staged;
  /** Its own folders: values passed through files, and `$tmp`. No other plugin can read them. */
  private readonly exchange: string;
  private readonly tmp: string;
  private closed = false;

  private constructor(private readonly opts: IsolationOptions) {
    this.staged = stagePlugin(opts.ownFiles, opts.entry, opts.ownIsFile);
    this.exchange = ownFolder(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'stylegraph-x-');
    this.tmp = ownFolder(tmpdir(), 'stylegraph-t-');
    this.bare = this.bridge({}, 'ask');
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
      const message = w.code === 'PLUGIN_CAPABILITY' ? nodeErrorOf(opts.label, w, opts.capabilities, ' while loading').message : w.code === 'PLUGIN_BUDGET' ? w.message : `plugin ${opts.label}: ${w.message}`;
      throw new Error(message, { cause: e });
    }
    return { host, plugin: host.definition(wire) };
  }

  close(): void {
    this.closed = true;
    for (const b of this.bridges.values()) b.stop();
    this.bridges.clear();
    for (const dir of [this.exchange, this.tmp]) rmSync(dir, { recursive: true, force: true });
    this.staged.remove();
  }

  /**
   * The process for a set of granted folders: `ask` is the one that answers validation and never
   * runs nodes (a slow run never holds validation up, a stopped question never stops a run).
   */
  private bridge(roots: HostFolders, use: 'ask' | 'run' = 'run'): Bridge {
    if (this.closed) throw new NodeError('PLUGIN_STOPPED', `plugin ${this.opts.label} was stopped`);
    const c = this.opts.capabilities;
    const where = { ...roots, ...(this.opts.workspace !== undefined && { workspace: this.opts.workspace }), tmp: this.tmp };
    const read = c.fs.read.map((p) => grantPath(p, where)).filter((p): p is string => p !== undefined);
    const write = c.fs.write.map((p) => grantPath(p, where)).filter((p): p is string => p !== undefined);
    refuseCodeWrites(this.opts.label, write, [...hostPackages().readable, this.staged.dir, this.opts.ownFiles]);
    const key = JSON.stringify([use, read, write]);
    const known = this.bridges.get(key);
    if (known) {
      // Most recently used last, for reaping.
      this.bridges.delete(key);
      this.bridges.set(key, known);
      return known;
    }
    this.reap();
    const exchange = this.exchange;
    const sibling = join(dirname(this.opts.ownFiles), 'node_modules');
    const own = this.opts.ownIsFile && existsSync(sibling) ? [this.opts.ownFiles, realpathSync(sibling)] : [this.opts.ownFiles];
    const execArgv = [
      PERMISSION_FLAG,
      '--disable-warning=ExperimentalWarning',
      '--preserve-symlinks',
      '--preserve-symlinks-main',
      `--max-old-space-size=${c.maxMemoryMB}`,
      ...[...hostPackages().readable, this.staged.dir, ...own, exchange, ...read].map((p) => `--allow-fs-read=${p}`),
      ...[exchange, ...write].map((p) => `--allow-fs-write=${p}`),
      ...(c.childProcess ? ['--allow-child-process'] : []),
    ];
    const b = new Bridge({
      plugin: this.opts.label,
      childFile: this.staged.child,
      execArgv,
      // Nothing of the host's environment (tokens, keys) reaches the plugin.
      env: { ...(c.net && { STYLEGRAPH_PLUGIN_NET: '1' }) },
      exchangeDir: exchange,
      entry: this.staged.entry,
      maxMemoryMB: c.maxMemoryMB,
      timeoutS: c.timeoutS,
    });
    this.bridges.set(key, b);
    return b;
  }

  /** Stops a process and forgets it: the next run with its folders starts a fresh one. */
  private forget(bridge: Bridge): void {
    bridge.stop();
    for (const [key, b] of this.bridges) if (b === bridge) this.bridges.delete(key);
  }

  /** Keeps at most MAX_PROCESSES run processes: the least recently used idle one is stopped. */
  private reap(): void {
    const runs = [...this.bridges.entries()].filter(([, b]) => b !== this.bare);
    if (runs.length < MAX_PROCESSES) return;
    const idle = runs.find(([, b]) => b.busy === 0);
    if (!idle) return;
    idle[1].stop();
    this.bridges.delete(idle[0]);
  }

  private definition(wire: PluginWire): PluginDefinition {
    return remotePlugin(wire, {
      label: this.opts.label,
      kind: this.opts.kind,
      link: {
        values: fileTransport(this.exchange),
        // One process per set of granted folders: the run's graph and output folders pick it.
        run: (req, ctx: RunContext, onMessage) => {
          const roots: HostFolders = 'hostFolders' in ctx.services ? ctx.services.hostFolders : {};
          const bridge = this.bridge(roots);
          const call = bridge.call(req, { timeoutMs: this.opts.capabilities.timeoutS * 1000, onMessage });
          return { ...call, forward: (m: HostMessage) => bridge.forward(call.id, m), stop: () => this.forget(bridge) };
        },
        ask: (req) => {
          const what = req.op === 'migrate' ? `the migration of ${req.type} from version ${req.from}` : `the sizes ${req.type} infers`;
          const answer = this.bare.callSync(req, `plugin ${this.opts.label} did not answer ${what} within ${SYNC_TIMEOUT_MS / 1000} s and was stopped`) as { result?: unknown; error?: ErrorWire };
          if (answer.error) throw nodeErrorOf(this.opts.label, answer.error, this.opts.capabilities);
          return answer.result;
        },
        error: (e) => nodeErrorOf(this.opts.label, e, this.opts.capabilities),
      },
    });
  }
}
