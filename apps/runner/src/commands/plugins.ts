/**
 * `stylegraph plugins [--dir D] [--json]`: the plugins installed in a folder's node_modules —
 * name, version, namespace, how they run (isolated with which capabilities, data-only), and
 * anything to look at twice (install scripts, a manifest that does not parse). Reads package.json
 * files only; runs no plugin code.
 */
import { join, resolve } from 'node:path';
import { realpath } from 'node:fs/promises';
import { discoverPlugins } from '../host/plugins.js';
import { describeCapabilities, readPluginManifest, type PluginManifest } from '../host/plugin-manifest.js';

interface Listed {
  readonly name: string;
  readonly version?: string;
  readonly namespace?: string;
  readonly kind: 'code' | 'data' | 'unknown';
  readonly runs: string;
  readonly capabilities?: PluginManifest['capabilities'];
  readonly warnings: readonly string[];
}

export async function pluginsCommand(opts: { dir?: string; json?: boolean }, io: { out: (s: string) => void }): Promise<number> {
  const dir = resolve(opts.dir ?? '.');
  const listed: Listed[] = [];
  for (const name of await discoverPlugins(dir)) {
    let m: PluginManifest | undefined;
    const warnings: string[] = [];
    try {
      m = await readPluginManifest(await realpath(join(dir, 'node_modules', name)));
    } catch (e) {
      warnings.push((e as Error).message);
    }
    if (m?.installScripts.length) warnings.push(`declares install scripts (${m.installScripts.join(', ')}), which stylegraph never needs`);
    if (!m && !warnings.length) warnings.push('no "stylegraph" field in package.json: runs isolated with no capabilities');
    const kind = m?.operators !== undefined ? 'data' : m ? 'code' : 'unknown';
    listed.push({
      name,
      ...(m && { version: m.version }),
      ...(m?.namespace !== undefined && { namespace: m.namespace }),
      kind,
      runs: kind === 'data' ? 'data-only (no code)' : 'isolated (trust with --trust to run in-process)',
      ...(m?.entry !== undefined && { capabilities: m.capabilities }),
      warnings,
    });
  }
  if (opts.json) {
    io.out(JSON.stringify({ dir, plugins: listed }, null, 2));
    return 0;
  }
  if (!listed.length) io.out(`no stylegraph plugins installed in ${join(dir, 'node_modules')}`);
  for (const p of listed) {
    io.out(`${p.name}${p.version ? ` ${p.version}` : ''}${p.namespace ? `  namespace ${p.namespace}` : ''}  ${p.runs}`);
    if (p.capabilities) io.out(`    capabilities: ${describeCapabilities(p.capabilities)}`);
    for (const w of p.warnings) io.out(`    warning: ${w}`);
  }
  return 0;
}
