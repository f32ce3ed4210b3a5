/** Node types from the server's registry, grouped by category and searchable; click or drag to add. */
import { useMemo, useState } from 'react';
import type { NodeTypeInfo, PluginInfo } from '../api';

export const DRAG_TYPE = 'application/x-stylegraph-node';

/** Node types matching a search (title, type or description), best first. */
export function searchTypes(types: readonly NodeTypeInfo[], query: string): NodeTypeInfo[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...types];
  const score = (t: NodeTypeInfo) => {
    const title = t.title.toLowerCase();
    if (title.startsWith(q)) return 0;
    if (t.type.toLowerCase().split('/')[1]!.startsWith(q)) return 1;
    if (title.includes(q) || t.type.toLowerCase().includes(q)) return 2;
    if (t.category.toLowerCase().includes(q) || (t.description ?? '').toLowerCase().includes(q)) return 3;
    return -1;
  };
  return types
    .map((t) => [t, score(t)] as const)
    .filter(([, s]) => s >= 0)
    .sort((a, b) => a[1] - b[1] || a[0].title.localeCompare(b[0].title))
    .map(([t]) => t);
}

/** How a third-party plugin's nodes are marked: how the server runs them, and what they may do. */
export function pluginBadge(p: PluginInfo | undefined): { label: string; title: string } | undefined {
  if (!p?.runs) return undefined;
  const how = { isolated: 'isolated: runs in its own process', trusted: 'trusted: runs inside the server with full access', data: 'data-only: ONNX operators, no plugin code' }[p.runs];
  return { label: p.runs, title: `third-party plugin ${p.name} ${p.version} — ${how}${p.capabilities ? `; capabilities: ${p.capabilities}` : ''}` };
}

function PluginBadge({ plugin, type }: { plugin: PluginInfo | undefined; type: string }) {
  const badge = pluginBadge(plugin);
  if (!badge) return null;
  return (
    <span className={`plugin-badge plugin-badge-${badge.label}`} data-testid={`badge-${type}`} title={badge.title}>
      {badge.label}
    </span>
  );
}

export function Palette({ types, plugins = [], onAdd }: { types: readonly NodeTypeInfo[]; plugins?: readonly PluginInfo[]; onAdd: (t: NodeTypeInfo) => void }) {
  const byName = useMemo(() => new Map(plugins.map((p) => [p.name, p])), [plugins]);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const m = new Map<string, NodeTypeInfo[]>();
    for (const t of searchTypes(types, query)) m.set(t.category, [...(m.get(t.category) ?? []), t]);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }, [types, query]);
  return (
    <aside className="palette">
      <input className="search" data-testid="palette-search" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)} />
      {groups.map(([category, list]) => (
        <section key={category}>
          <h4>{category}</h4>
          {list.map((t) => (
            <button
              key={t.type}
              type="button"
              className="palette-item"
              data-testid={`palette-${t.type}`}
              title={`${t.type}${t.description ? ` — ${t.description}` : ''}`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, t.type);
                e.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => onAdd(t)}
            >
              {t.title}
              <PluginBadge plugin={byName.get(t.plugin.name)} type={t.type} />
            </button>
          ))}
        </section>
      ))}
    </aside>
  );
}
