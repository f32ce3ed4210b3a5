/** One node on the canvas: title, typed handles, diagnostics, run status, previews and errors. */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { GraphNode } from '@stylegraph/core';
import type { Diagnostic, NodeTypeInfo, Preview } from '../api';

type PortInfo = NodeTypeInfo['inputs'][string];
import { portColor } from '../graph/ports';
import type { NodeRunState } from '../run/useRun';

export interface GraphNodeData extends Record<string, unknown> {
  readonly id: string;
  readonly node: GraphNode;
  readonly info?: NodeTypeInfo;
  readonly diagnostics: readonly Diagnostic[];
  readonly run?: NodeRunState;
  readonly previews?: readonly Preview[];
  readonly values?: Readonly<Record<string, unknown>>;
}

export type GraphFlowNode = Node<GraphNodeData, 'graph'>;

function Port({ name, port, side }: { name: string; port: PortInfo; side: 'in' | 'out' }) {
  return (
    <div className={`port port-${side}`} title={`${name}: ${port.display}${port.optional ? ' (optional)' : ''}`}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={name}
        className="handle"
        style={{ background: portColor(port) }}
      />
      <span className="port-name">{name}</span>
      <span className="port-type">{port.kindTitle}</span>
    </div>
  );
}

/** `0.99812…` → `0.9981`; reports as `key = value` lines; tensors as dtype and shape. */
function brief(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(5);
  if (v && typeof v === 'object' && 'tensor' in v) {
    const t = (v as { tensor: { dtype: string; dims: number[] } }).tensor;
    return `${t.dtype} [${t.dims.join(', ')}]`;
  }
  if (v && typeof v === 'object' && 'generator' in v) return 'generator';
  if (v && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).map(([k, x]) => `${k} = ${brief(x)}`).join(', ');
  return JSON.stringify(v);
}

function OutputValues({ values, id }: { values: Readonly<Record<string, unknown>>; id: string }) {
  const shown = Object.entries(values).filter(([, v]) => !(v && typeof v === 'object' && ('tensor' in v || 'generator' in v)));
  if (!shown.length) return null;
  return (
    <div className="values" data-testid={`values-${id}`}>
      {shown.map(([port, v]) => (
        <div key={port}>
          <span className="port-name">{port}</span> {brief(v)}
        </div>
      ))}
    </div>
  );
}

function GraphNodeViewImpl({ data, selected }: NodeProps<GraphFlowNode>) {
  const { id, node, info, diagnostics, run, previews, values } = data;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const status = run?.status;
  const cls = ['sg-node', selected && 'selected', errors.length && 'has-error', status && `run-${status}`].filter(Boolean).join(' ');
  return (
    <div className={cls} data-testid={`node-${id}`} data-run-status={status ?? ''}>
      <div className="sg-node-head">
        <span className="sg-node-title">{node.title ?? info?.title ?? node.type}</span>
        <span className="sg-node-id">{id}</span>
      </div>
      {status === 'running' && <div className="progress" style={{ width: `${Math.round((run?.fraction ?? 0) * 100)}%` }} />}
      <div className="ports">
        <div className="inputs">
          {Object.entries(info?.inputs ?? {}).map(([name, p]) => (
            <Port key={name} name={name} port={p} side="in" />
          ))}
        </div>
        <div className="outputs">
          {Object.entries(info?.outputs ?? {}).map(([name, p]) => (
            <Port key={name} name={name} port={p} side="out" />
          ))}
        </div>
      </div>
      {previews?.map((p) => (
        <img key={p.port} className="preview" data-testid={`preview-${id}`} src={p.png} alt={`${id}.${p.port} [${p.dims.join(', ')}]`} title={`${p.port} [${p.dims.join(', ')}]`} />
      ))}
      {values && <OutputValues values={values} id={id} />}
      {status && status !== 'running' && (
        <div className={`run-status status-${status}`}>
          {status}
          {run?.ms !== undefined && status === 'done' ? ` · ${run.ms < 1000 ? `${Math.round(run.ms)} ms` : `${(run.ms / 1000).toFixed(1)} s`}` : ''}
        </div>
      )}
      {run?.error && (
        <div className="node-error" data-testid={`error-${id}`}>
          {run.error}
        </div>
      )}
      {errors.map((d, i) => (
        <div key={i} className="diagnostic" data-testid={`diagnostic-${id}`}>
          {d.code}
          {d.port ? ` (${d.port})` : d.param ? ` (${d.param})` : ''}: {d.message}
        </div>
      ))}
    </div>
  );
}

export const GraphNodeView = memo(GraphNodeViewImpl);
