/**
 * The process an isolated plugin runs in: started by the host with Node's permission model
 * (file reads and writes only where granted, no child processes, workers or addons) and, unless
 * the plugin declares `net`, with networking denied. It imports the plugin, describes it as data,
 * and runs its nodes on request (core's `servePlugin`); large values come and go through files of
 * the exchange folder. Argument: the exchange folder. Environment: STYLEGRAPH_PLUGIN_NET=1 keeps
 * networking.
 */
import { pathToFileURL } from 'node:url';
import { definePlugin, describePlugin, errorWire, pluginOfModule, servePlugin, type ChildMessage, type HostMessage } from '@stylegraph/core';
import { installNetGuard } from './net-guard.js';
import { fileTransport } from './transfer.js';

const exchangeDir = process.argv[2]!;
if (process.env.STYLEGRAPH_PLUGIN_NET !== '1') installNetGuard();

const send = (m: ChildMessage) => process.send!(m);
let serve: ((m: HostMessage) => void) | undefined;

async function load(entry: string) {
  const mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  const plugin = pluginOfModule(mod);
  if (!plugin) throw new Error('the module does not export a stylegraph plugin (default export from definePlugin)');
  // Settled by this host's core: a plugin for another API version is refused here, in one line.
  definePlugin(plugin);
  serve = servePlugin(plugin, { send, values: fileTransport(exchangeDir) });
  return describePlugin(plugin);
}

process.on('message', (m: HostMessage) => {
  if (m.op === 'load') {
    load(m.entry).then(
      (result) => send({ op: 'done', id: m.id, result }),
      (e: unknown) => send({ op: 'done', id: m.id, error: errorWire(e) }),
    );
  } else if (serve) serve(m);
  else if ('id' in m) send({ op: 'done', id: m.id, error: { message: 'the plugin is not loaded' } });
});
// The host went away: so does the plugin.
process.on('disconnect', () => process.exit(0));
