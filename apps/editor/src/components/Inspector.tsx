/** The side panel: the selected node's params as a form, or the graph's title and description. */
import type { GraphDocument } from '@stylegraph/core';
import type { LayerLayout } from '@stylegraph/ops-gpu/layers';
import type { Diagnostic, NodeTypeInfo } from '../api';
import { ParamField } from './ParamField';
import type { JsonSchema } from './schema';
import { layoutFor } from '../graph/layer-layouts';

interface Props {
  readonly doc: GraphDocument;
  readonly selected?: string;
  readonly types: ReadonlyMap<string, NodeTypeInfo>;
  readonly diagnostics: readonly Diagnostic[];
  /** Workspace files and model folders, relative to the graph's folder, offered for params that name files. */
  readonly files: readonly string[];
  /** Layer layouts the graph's nodes give, by node. */
  readonly layouts: ReadonlyMap<string, LayerLayout>;
  readonly onParam: (node: string, name: string, value: unknown, key?: string) => void;
  readonly onTitle: (node: string, title: string) => void;
  readonly onGraphTitle: (title: string) => void;
}

export function Inspector({ doc, selected, types, diagnostics, files, layouts, onParam, onTitle, onGraphTitle }: Props) {
  const node = selected ? doc.nodes[selected] : undefined;
  if (!selected || !node) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    return (
      <aside className="inspector">
        <h3>Graph</h3>
        <label className="param">
          <span className="param-name">title</span>
          <input data-testid="graph-title" value={doc.title ?? ''} onChange={(e) => onGraphTitle(e.target.value)} />
        </label>
        {doc.description && <p className="description">{doc.description}</p>}
        <h4>{errors.length ? `${errors.length} problem${errors.length === 1 ? '' : 's'}` : 'No problems'}</h4>
        <ul className="problems" data-testid="problems">
          {diagnostics.map((d, i) => (
            <li key={i} className={d.severity}>
              {d.node ? <b>{d.node}: </b> : null}
              {d.message}
            </li>
          ))}
        </ul>
        <p className="hint">Select a node to edit its parameters. Type on the canvas to add a node.</p>
      </aside>
    );
  }
  const info = types.get(node.type);
  const schema = info?.params as JsonSchema | undefined;
  const required = new Set(schema?.required ?? []);
  const mine = diagnostics.filter((d) => d.node === selected);
  const layout = layoutFor(doc, selected, layouts);
  return (
    <aside className="inspector" data-testid="inspector">
      <h3>{info?.title ?? node.type}</h3>
      <div className="type">
        {node.type} v{node.version} · <code>{selected}</code>
      </div>
      {info?.description && <p className="description">{info.description}</p>}
      <label className="param">
        <span className="param-name">title</span>
        <input value={node.title ?? ''} placeholder={info?.title} onChange={(e) => onTitle(selected, e.target.value)} />
      </label>
      {Object.entries(schema?.properties ?? {}).map(([name, s]) => (
        <ParamField
          key={`${selected}.${name}`}
          nodeId={selected}
          name={name}
          schema={s}
          value={node.params?.[name]}
          required={required.has(name)}
          {...(info?.fileParams.includes(name) && { files })}
          {...(layout && { layout })}
          onChange={(v, key) => onParam(selected, name, v, key)}
        />
      ))}
      {mine.length > 0 && (
        <ul className="problems">
          {mine.map((d, i) => (
            <li key={i} className={d.severity}>
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
