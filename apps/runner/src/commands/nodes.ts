/** `stylegraph nodes [--json]`: the installed node types, their ports and param schemas, and the port kinds. */
import { loadRegistry } from '../host/plugins.js';

export async function nodesCommand(opts: { json?: boolean; plugin?: readonly string[]; trust?: readonly string[] }, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  const registry = await loadRegistry({ extra: opts.plugin ?? [], fromDir: process.cwd(), trust: new Set(opts.trust ?? []), warn: (m) => io.err(`stylegraph: warning: ${m}`) });
  const infos = registry.describeAll();
  if (opts.json) {
    const plugins = registry.listPlugins().map((p) => ({ name: p.name, version: p.version, apiVersion: p.apiVersion, namespace: p.namespace }));
    io.out(JSON.stringify({ plugins, kinds: registry.describeKinds(), nodes: infos }, null, 2));
    return 0;
  }
  for (const n of infos) {
    const ports = (ps: typeof n.inputs) =>
      Object.entries(ps)
        .map(([k, p]) => `${k}${p.optional ? '?' : ''}: ${p.display}`)
        .join(', ') || '—';
    const params = Object.keys((n.params.properties as Record<string, unknown> | undefined) ?? {}).join(', ') || '—';
    io.out(`${n.type} v${n.version}  ${n.title} [${n.category}, ${n.purity}]  (${n.plugin.name})`);
    io.out(`    in:  ${ports(n.inputs)}`);
    io.out(`    out: ${ports(n.outputs)}`);
    io.out(`    params: ${params}`);
  }
  io.out('');
  io.out('port kinds:');
  for (const k of registry.describeKinds()) {
    const dims = k.dims === null ? '[any shape]' : k.dims.length ? `[${k.dims.join(', ')}]` : '';
    io.out(`  ${k.name}${dims ? ` ${dims}` : ''}${k.dtype ? ` ${k.dtype}` : ''}  ${k.description}${k.plugin ? `  (${k.plugin})` : ''}`);
  }
  return 0;
}
