/**
 * Submitting the open graph as a batch job (when the server has a queue): which param holds the
 * items, items per shard, the plan the server makes of it, then Submit. Workers
 * (`stylegraph worker --queue …`) run the shards; the footer follows the job.
 */
import { useEffect, useState } from 'react';
import type { GraphDocument } from '@stylegraph/core';
import { api, errorMessage, type NodeTypeInfo } from '../api';
import { Modal } from '../components/Dialogs';

interface Props {
  readonly doc: GraphDocument;
  readonly path?: string;
  readonly types: ReadonlyMap<string, NodeTypeInfo>;
  readonly onSubmitted: (id: string, name: string) => void;
  readonly onClose: () => void;
}

/** The graph's declared axis, else its first seed-list param. */
export function defaultAxis(doc: GraphDocument, types: ReadonlyMap<string, NodeTypeInfo>): string {
  if (doc.batch?.shard) return doc.batch.shard;
  for (const [id, n] of Object.entries(doc.nodes)) {
    const props = (types.get(n.type)?.params as { properties?: Record<string, { widget?: string }> } | undefined)?.properties ?? {};
    const seeds = Object.entries(props).find(([, s]) => s.widget === 'seeds');
    if (seeds) return `${id}.${seeds[0]}`;
  }
  return '';
}

export function BatchDialog({ doc, path, types, onSubmitted, onClose }: Props) {
  const [shard, setShard] = useState(() => defaultAxis(doc, types));
  const [size, setSize] = useState(doc.batch?.size ?? 256);
  const [plan, setPlan] = useState<{ text: string; ok: boolean }>({ text: '', ok: false });
  const [busy, setBusy] = useState(false);
  const input = { graph: doc, ...(path && { path }), ...(shard && { shard }), size };

  useEffect(() => {
    let stale = false;
    const t = setTimeout(() => {
      api.batch.plan.query(input).then(
        (p) => !stale && setPlan({ ok: true, text: `${p.axis.total} items of ${p.axis.node}.${p.axis.param} in ${p.shards} shards of ≤ ${p.size} → ${p.out}/` }),
        (e: unknown) => !stale && setPlan({ ok: false, text: errorMessage(e) }),
      );
    }, 200);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [doc, path, shard, size]);

  const submit = () => {
    setBusy(true);
    api.batch.submit.mutate(input).then(
      (r) => onSubmitted(r.id, r.name),
      (e: unknown) => {
        setBusy(false);
        setPlan({ ok: false, text: errorMessage(e) });
      },
    );
  };

  return (
    <Modal title="Run as a batch job" onClose={onClose}>
      <div className="batch-form">
        <label>
          Items (node.param)
          <input data-testid="batch-shard" value={shard} placeholder="seeds.seeds" onChange={(e) => setShard(e.target.value)} />
        </label>
        <label>
          Items per shard
          <input data-testid="batch-size" type="number" min={1} value={size} onChange={(e) => setSize(Math.max(1, Math.floor(Number(e.target.value) || 1)))} />
        </label>
        <p data-testid="batch-plan" className={plan.ok ? 'plan' : 'plan error'}>
          {plan.text}
        </p>
        <button type="button" data-testid="batch-submit" disabled={!plan.ok || busy} onClick={submit}>
          Submit
        </button>
      </div>
    </Modal>
  );
}
