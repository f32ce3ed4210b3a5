/**
 * The layer layouts the graph's layer params resolve against, by node, before and after runs:
 * the server describes the sources upstream of those params (it runs only them — cheap for a
 * loader — and shares the results with later runs through its cache), and each run's value
 * summaries add theirs. What the server says about the graph as it is now comes first.
 */
import { useEffect, useMemo, useState } from 'react';
import type { GraphDocument } from '@stylegraph/core';
import type { LayerLayout } from '@stylegraph/ops-gpu/layers';
import { api, type NodeTypeInfo } from '../api';
import { layoutSources, layoutsIn, type NodeValues } from './layer-layouts';
import { upstreamGraph } from './upstream';

/** How long edits must pause before the server is asked again. */
const DEBOUNCE_MS = 300;

interface Described {
  readonly request: string;
  readonly values: NodeValues;
  readonly failed: readonly string[];
}

export function useLayerLayouts(doc: GraphDocument, types: ReadonlyMap<string, NodeTypeInfo>, path: string, runValues: NodeValues): ReadonlyMap<string, LayerLayout> {
  const request = useMemo(() => {
    const nodes = layoutSources(doc, types);
    return nodes.length ? JSON.stringify({ graph: upstreamGraph(doc, nodes), path, nodes }) : undefined;
  }, [doc, types, path]);
  const [described, setDescribed] = useState<Described | undefined>();
  useEffect(() => {
    if (!request) return;
    let stale = false;
    // A superseded request is aborted: the server stops its nodes and frees the run slot it holds.
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api.describe.outputs.query(JSON.parse(request) as { graph: unknown; path: string; nodes: string[] }, { signal: abort.signal }).then(
        (r) => !stale && setDescribed({ request, values: r.values, failed: Object.keys(r.failed) }),
        () => undefined,
      );
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
      abort.abort();
    };
  }, [request]);
  return useMemo(() => {
    const out = layoutsIn(runValues);
    if (described && described.request === request) {
      for (const n of described.failed) out.delete(n);
      for (const [n, l] of layoutsIn(described.values)) out.set(n, l);
    }
    return out;
  }, [runValues, described, request]);
}
