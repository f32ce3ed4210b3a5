/**
 * An isolated plugin in the browser: its code runs in a Worker (plugin-worker.ts), and the page
 * registers core's `remotePlugin` stand-in, whose nodes run there. A node run past the plugin's
 * time budget terminates the Worker and fails naming the budget; the next run starts a fresh one.
 * Validation's synchronous questions cannot be asked across a Worker, so the page's stand-in has
 * no migrations or `inferShapes` (the server, which validates, has them).
 */
import { NodeError, inlineTransport, remotePlugin, type ChildMessage, type ErrorWire, type HostMessage, type PluginDefinition, type PluginWire, type PortKind } from '@stylegraph/core';
import type { WorkerLoad } from './plugin-worker';

/** The URL the page's import map gives `@stylegraph/core` (the built editor has one). */
function coreUrl(): string {
  const map = document.querySelector('script[type="importmap"]')?.textContent;
  const url = map ? (JSON.parse(map) as { imports?: Record<string, string> }).imports?.['@stylegraph/core'] : undefined;
  if (!url) throw new Error('this page has no import map for @stylegraph/core (run the built editor)');
  return new URL(url, location.href).href;
}

class PluginWorker {
  private worker?: Worker;
  private loaded?: Promise<PluginWire>;
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: ErrorWire) => void; onMessage?: (m: ChildMessage) => void; timer?: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly label: string,
    private readonly entry: string,
    private readonly timeoutS: number,
  ) {}

  /** The plugin's description, from a Worker started now or already running. */
  start(): Promise<PluginWire> {
    if (this.loaded) return this.loaded;
    const worker = new Worker(new URL('./plugin-worker.ts', import.meta.url), { type: 'module', name: `stylegraph plugin ${this.label}` });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<ChildMessage>) => {
      const m = e.data;
      const call = this.calls.get(m.id);
      if (m.op !== 'done') return call?.onMessage?.(m);
      this.calls.delete(m.id);
      if (call?.timer) clearTimeout(call.timer);
      if (m.error) call?.reject(m.error);
      else call?.resolve(m.result);
    };
    worker.onerror = (e) => this.stop({ code: 'PLUGIN_CRASHED', message: `plugin ${this.label}'s Worker failed: ${e.message}` });
    const id = this.nextId++;
    this.loaded = new Promise<PluginWire>((resolve, reject) => this.calls.set(id, { resolve: (v) => resolve(v as PluginWire), reject: (err) => reject(new Error(err.message)) }));
    worker.postMessage({ op: 'load', id, entry: new URL(this.entry, location.href).href, core: coreUrl() } satisfies WorkerLoad);
    return this.loaded;
  }

  /** Ends the Worker; every call in flight fails with `error`. */
  stop(error: ErrorWire): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.loaded = undefined;
    for (const [id, call] of this.calls) {
      if (call.timer) clearTimeout(call.timer);
      call.reject(error);
      this.calls.delete(id);
    }
  }

  run(msg: Omit<Extract<HostMessage, { op: 'run' }>, 'id'>, onMessage: (m: ChildMessage) => void) {
    const id = this.nextId++;
    const done = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.stop({ code: 'PLUGIN_BUDGET', capability: 'timeoutS', message: `plugin ${this.label} ran past its time budget of ${this.timeoutS} s (stylegraph.capabilities.timeoutS) and was stopped` }), this.timeoutS * 1000);
      this.calls.set(id, { resolve, reject, onMessage, timer });
    });
    void this.start().then(
      () => this.worker?.postMessage({ ...msg, id }),
      (e: Error) => this.calls.get(id)?.reject({ code: 'PLUGIN_CRASHED', message: e.message }),
    );
    // Forwarded only while this call is in flight: a late reply never reaches a newer Worker.
    return { id, done, forward: (m: HostMessage) => void (this.calls.has(id) && this.worker?.postMessage(m)), stop: () => this.stop({ code: 'CANCELLED', message: 'cancelled' }) };
  }
}

/** Starts the plugin's Worker and builds the definition the page registers. */
export async function workerPlugin(name: string, entry: string, timeoutS: number, kind: (name: string) => PortKind | undefined): Promise<PluginDefinition> {
  const w = new PluginWorker(name, entry, timeoutS);
  const wire = await w.start();
  if (wire.name !== name) throw new Error(`${entry} exports plugin ${wire.name}`);
  return remotePlugin(wire, {
    label: name,
    kind,
    link: {
      values: inlineTransport,
      run: (req, _ctx, onMessage) => w.run(req, onMessage),
      error: (e) => new NodeError(e.code ?? 'NODE_FAILED', e.message, { plugin: name, ...(e.capability && { capability: e.capability }) }),
    },
  });
}
