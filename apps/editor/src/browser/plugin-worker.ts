/**
 * The Worker an isolated plugin's code runs in, in the browser: away from the page's DOM, storage
 * and the editor's memory, and stopped by the page past the plugin's time budget. It imports the
 * editor's own copy of core (the URL the page's import map gives it) and the plugin's module from
 * the server, then serves the page's requests with core's `servePlugin`.
 */
/// <reference lib="webworker" />
import type * as Core from '@stylegraph/core';
import type { ChildMessage, HostMessage } from '@stylegraph/core';

/** The page's first message: where core and the plugin's module are. */
export interface WorkerLoad {
  readonly op: 'load';
  readonly id: number;
  readonly entry: string;
  readonly core: string;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
const send = (m: ChildMessage) => scope.postMessage(m);
let serve: ((m: HostMessage) => void) | undefined;

async function load(m: WorkerLoad) {
  const core = (await import(/* @vite-ignore */ m.core)) as typeof Core;
  try {
    const mod = (await import(/* @vite-ignore */ m.entry)) as Record<string, unknown>;
    const plugin = core.pluginOfModule(mod);
    if (!plugin) throw new Error(`${m.entry} exports no stylegraph plugin`);
    core.definePlugin(plugin);
    serve = core.servePlugin(plugin, { send, values: core.inlineTransport });
    send({ op: 'done', id: m.id, result: core.describePlugin(plugin) });
  } catch (e) {
    send({ op: 'done', id: m.id, error: core.errorWire(e) });
  }
}

scope.onmessage = (e: MessageEvent<HostMessage | WorkerLoad>) => {
  const m = e.data;
  if (m.op === 'load') void load(m as WorkerLoad);
  else serve?.(m);
};
