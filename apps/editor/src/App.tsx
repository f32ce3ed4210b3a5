/** The editor: palette, canvas, inspector and toolbar around one graph document. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, applyNodeChanges, useReactFlow, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import { formatDiagnostic, serializeGraph, type GraphDocument } from '@stylegraph/core';
import { api, errorMessage, type Diagnostic, type NodeTypeInfo } from './api';
import { GraphNodeView, type GraphFlowNode } from './components/GraphNodeView';
import { Inspector } from './components/Inspector';
import { DRAG_TYPE, Palette } from './components/Palette';
import { QuickAdd } from './components/QuickAdd';
import { ExamplesDialog, OpenDialog, type Example } from './components/Dialogs';
import { Toolbar, type Backend } from './components/Toolbar';
import { flowEdges, flowNodes } from './graph/flow';
import { dirOf, relativePath } from './graph/layout';
import { addNode, connect, copyNodes, emptyGraph, moveNodes, pasteNodes, removeEdges, removeNodes, setParam, setTitle, type Clip } from './graph/model';
import { useGraph } from './graph/useGraph';
import { useLayerCounts } from './graph/layer-counts';
import { useRun } from './run/useRun';
import { useBrowserRun } from './browser/useBrowserRun';
import { browserUnsupported } from './browser/registry';

const nodeTypes = { graph: GraphNodeView };
const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'untitled';

export function App() {
  const g = useGraph();
  const server = useRun();
  const browser = useBrowserRun();
  const flow = useReactFlow();
  const [types, setTypes] = useState<NodeTypeInfo[]>([]);
  const typeMap = useMemo(() => new Map(types.map((t) => [t.type, t])), [types]);
  const [models, setModels] = useState<string[]>([]);
  const [rfNodes, setRfNodes] = useState<GraphFlowNode[]>([]);
  const rfRef = useRef(rfNodes);
  rfRef.current = rfNodes;
  const [selectedEdges, setSelectedEdges] = useState<ReadonlySet<string>>(new Set());
  const [toast, setToast] = useState<{ text: string; kind: 'error' | 'info' } | undefined>();
  const [dialog, setDialog] = useState<{ kind: 'examples'; list: Example[] } | { kind: 'open'; graphs: string[]; pngs: string[] } | undefined>();
  const [quick, setQuick] = useState<{ at: { x: number; y: number }; text: string } | undefined>();
  const [backend, setBackend] = useState<Backend>('auto');
  const inBrowser = backend.startsWith('browser-');
  const { state: run, cancel } = inBrowser ? browser : server;
  /** Folder relative paths in the graph resolve against (the file's, or a guess for graphs from PNGs). */
  const [base, setBase] = useState('.');
  const mouse = useRef({ x: 200, y: 200 });
  const clip = useRef<Clip | undefined>(undefined);
  const pastes = useRef(0);

  const say = useCallback((text: string, kind: 'error' | 'info' = 'info') => setToast({ text, kind }), []);
  useEffect(() => {
    if (!toast) return;
    const t = setTimeout(() => setToast(undefined), toast.kind === 'error' ? 8000 : 3000);
    return () => clearTimeout(t);
  }, [toast]);

  useEffect(() => {
    api.graph.nodeTypes.query().then((r) => setTypes(r.nodes), (e: unknown) => say(`cannot reach the server: ${errorMessage(e)}`, 'error'));
    api.files.models.query().then(setModels, () => undefined);
  }, [say]);

  // The canvas follows the document, its diagnostics and the run.
  useEffect(() => {
    setRfNodes((prev) => flowNodes(g.doc, typeMap, g.diagnostics, run, prev));
  }, [g.doc, typeMap, g.diagnostics, run]);
  const running = useMemo(() => new Set(Object.entries(run.nodes).filter(([, n]) => n.status === 'running').map(([id]) => id)), [run.nodes]);
  const edges = useMemo(() => flowEdges(g.doc, typeMap, selectedEdges, running), [g.doc, typeMap, selectedEdges, running]);
  const selectedNodes = useMemo(() => new Set(rfNodes.filter((n) => n.selected).map((n) => n.id)), [rfNodes]);
  const selected = selectedNodes.size === 1 ? [...selectedNodes][0] : undefined;
  const runPath = g.path ?? `${base === '.' ? '' : `${base}/`}untitled.graph.json`;

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    if (!g.dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [g.dirty]);

  const openDoc = useCallback(
    (doc: GraphDocument, path: string | undefined, baseDir?: string) => {
      if (g.dirty && !window.confirm('Discard the unsaved changes to this graph?')) return;
      g.load(doc, path);
      setBase(path ? dirOf(path) : (baseDir ?? '.'));
      setSelectedEdges(new Set());
      setTimeout(() => flow.fitView({ padding: 0.15 }), 50);
    },
    [g, flow],
  );

  const openPath = useCallback(
    async (path: string) => {
      setDialog(undefined);
      try {
        const r = await api.files.open.query({ path });
        const fromPng = /\.png$/i.test(path);
        openDoc(r.graph as GraphDocument, fromPng ? undefined : path, r.base);
        say(fromPng ? `restored the graph embedded in ${path}` : `opened ${path}`);
      } catch (e) {
        say(errorMessage(e), 'error');
      }
    },
    [openDoc, say],
  );

  const openFile = useCallback(
    async (file: File) => {
      try {
        if (/\.png$/i.test(file.name)) {
          const bytes = new Uint8Array(await file.arrayBuffer());
          let bin = '';
          for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          const r = await api.graph.fromPng.mutate({ name: file.name, base64: btoa(bin) });
          openDoc(r.graph as GraphDocument, undefined, r.base);
          say(`restored the graph embedded in ${file.name}`);
        } else {
          openDoc(JSON.parse(await file.text()) as GraphDocument, undefined);
          say(`opened ${file.name} (unsaved: Save as… to keep it in the workspace)`);
        }
      } catch (e) {
        say(errorMessage(e), 'error');
      }
    },
    [openDoc, say],
  );

  const save = useCallback(
    async (asNew: boolean) => {
      let path = g.path;
      if (asNew || !path) {
        const suggested = path ?? `${base === '.' ? '' : `${base}/`}${slug(g.doc.title ?? 'untitled')}.graph.json`;
        const answer = window.prompt('Save as (a path inside the workspace, ending in .graph.json):', suggested);
        if (!answer) return;
        path = answer.trim();
      }
      try {
        await api.files.save.mutate({ path, graph: g.doc, overwrite: !asNew || path === g.path });
        g.markSaved(path, g.doc);
        setBase(dirOf(path));
        say(`saved ${path}`);
      } catch (e) {
        const msg = errorMessage(e);
        if (/already exists/.test(msg) && window.confirm(`${path} exists. Replace it?`)) {
          await api.files.save.mutate({ path, graph: g.doc, overwrite: true });
          g.markSaved(path, g.doc);
          setBase(dirOf(path));
          say(`saved ${path}`);
        } else say(msg, 'error');
      }
    },
    [g, base, say],
  );

  const download = useCallback(() => {
    const blob = new Blob([serializeGraph(g.doc)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = g.path?.split('/').pop() ?? `${slug(g.doc.title ?? 'untitled')}.graph.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  }, [g.doc, g.path]);

  const add = useCallback(
    (t: NodeTypeInfo, at?: { x: number; y: number }) => {
      const pos = at ?? flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
      let id = '';
      g.edit((d) => {
        const r = addNode(d, t, pos);
        id = r.id;
        return r.doc;
      });
      setTimeout(() => setRfNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === id }))), 0);
    },
    [g, flow],
  );

  /** Connecting asks the validator first; a connection that adds an error is refused with it. */
  const onConnect = useCallback(
    async (c: Connection) => {
      if (!c.sourceHandle || !c.targetHandle) return;
      const from = `${c.source}.${c.sourceHandle}`;
      const to = `${c.target}.${c.targetHandle}`;
      const candidate = connect(g.doc, from, to);
      try {
        const [now, next] = await Promise.all([api.graph.validate.query({ graph: g.doc, path: runPath }), api.graph.validate.query({ graph: candidate, path: runPath })]);
        const known = new Set(now.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
        const added = next.diagnostics.filter((d: Diagnostic) => d.severity === 'error' && !known.has(formatDiagnostic(d)));
        if (added.length) {
          say(`Cannot connect ${from} → ${to}: ${added[0]!.message}`, 'error');
          return;
        }
        g.edit((d) => connect(d, from, to));
      } catch (e) {
        say(errorMessage(e), 'error');
      }
    },
    [g, runPath, say],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => {
      setRfNodes((ns) => applyNodeChanges(changes, ns));
      const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
      if (removed.size) g.edit((d) => removeNodes(d, removed));
      const dropped = changes.flatMap((c) => (c.type === 'position' && c.dragging === false ? [c.id] : []));
      if (dropped.length) {
        setTimeout(() => {
          const moved = new Map(rfRef.current.filter((n) => dropped.includes(n.id)).map((n) => [n.id, n.position]));
          g.edit((d) => moveNodes(d, moved));
        }, 0);
      }
    },
    [g],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const removed = new Set(changes.flatMap((c) => (c.type === 'remove' ? [c.id] : [])));
      if (removed.size) g.edit((d) => removeEdges(d, removed));
      const sel = changes.filter((c) => c.type === 'select');
      if (sel.length) {
        setSelectedEdges((prev) => {
          const next = new Set(prev);
          for (const c of sel) {
            if (c.type !== 'select') continue;
            if (c.selected) next.add(c.id);
            else next.delete(c.id);
          }
          return next;
        });
      }
    },
    [g],
  );

  const unsupported = useMemo(() => browserUnsupported(Object.values(g.doc.nodes).map((n) => n.type)), [g.doc]);
  const doRun = useCallback(() => {
    if (backend === 'browser-webgpu' || backend === 'browser-wasm') {
      if (unsupported) return say(`cannot run in the browser: ${unsupported}`, 'error');
      void browser.start(g.doc, g.path, base, backend === 'browser-webgpu' ? 'webgpu' : 'wasm');
    } else void server.start(g.doc, runPath, backend);
  }, [server, browser, g.doc, g.path, base, runPath, backend, unsupported, say]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save(e.shiftKey);
        return;
      }
      if (mod && e.key === 'Enter') {
        e.preventDefault();
        doRun();
        return;
      }
      if (isTyping(e.target) || dialog) return;
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) g.redo();
        else g.undo();
      } else if (mod && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        g.redo();
      } else if (mod && e.key.toLowerCase() === 'c' && selectedNodes.size) {
        clip.current = copyNodes(g.doc, selectedNodes);
        pastes.current = 0;
        void navigator.clipboard?.writeText(JSON.stringify(clip.current)).catch(() => undefined);
      } else if (mod && e.key.toLowerCase() === 'v' && clip.current) {
        const c = clip.current;
        const step = 40 * ++pastes.current;
        let ids: string[] = [];
        g.edit((d) => {
          const r = pasteNodes(d, c, { x: step, y: step });
          ids = r.ids;
          return r.doc;
        });
        setTimeout(() => setRfNodes((ns) => ns.map((n) => ({ ...n, selected: ids.includes(n.id) }))), 0);
      } else if (!mod && !e.altKey && e.key.length === 1 && /\S/.test(e.key)) {
        e.preventDefault();
        setQuick({ at: mouse.current, text: e.key });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [g, save, doRun, selectedNodes, dialog]);

  const layerCounts = useLayerCounts(g.doc, base);
  const showExamples = useCallback(
    () => void api.files.examples.query().then((list) => setDialog({ kind: 'examples', list }), (e: unknown) => say(errorMessage(e), 'error')),
    [say],
  );
  const modelSuggestions = useMemo(() => models.map((m) => relativePath(base, m)), [models, base]);

  return (
    <div className="app">
      <Toolbar
        title={g.doc.title ?? 'Untitled'}
        {...(g.path && { path: g.path })}
        dirty={g.dirty}
        canUndo={g.canUndo}
        canRedo={g.canRedo}
        run={run}
        backend={backend}
        onBackend={setBackend}
        {...(unsupported && { browserUnsupported: unsupported })}
        onNew={() => openDoc(emptyGraph(), undefined)}
        onExamples={showExamples}
        onOpen={() => api.files.list.query().then((r) => setDialog({ kind: 'open', graphs: r.graphs, pngs: r.pngs }), (e: unknown) => say(errorMessage(e), 'error'))}
        onOpenFile={(f) => void openFile(f)}
        onSave={() => void save(false)}
        onSaveAs={() => void save(true)}
        onDownload={download}
        onUndo={g.undo}
        onRedo={g.redo}
        onRun={doRun}
        onCancel={() => void cancel()}
      />
      <div className="main">
        <Palette types={types} onAdd={(t) => add(t)} />
        <div
          className="canvas"
          data-testid="canvas"
          onMouseMove={(e) => (mouse.current = { x: e.clientX, y: e.clientY })}
          onDragOver={(e) => {
            if (e.dataTransfer.types.includes(DRAG_TYPE)) {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'copy';
            }
          }}
          onDrop={(e) => {
            const t = typeMap.get(e.dataTransfer.getData(DRAG_TYPE));
            if (!t) return;
            e.preventDefault();
            add(t, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
          }}
        >
          <ReactFlow<GraphFlowNode>
            nodes={rfNodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={(c) => void onConnect(c)}
            deleteKeyCode={['Delete', 'Backspace']}
            minZoom={0.1}
            fitView
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
            <MiniMap pannable zoomable />
          </ReactFlow>
          {Object.keys(g.doc.nodes).length === 0 && (
            <div className="empty-hint" data-testid="empty-hint">
              <p>This graph is empty.</p>
              <button type="button" onClick={showExamples}>
                Open an example
              </button>
              <p>or add nodes: click or drag them from the palette, or type a name here.</p>
            </div>
          )}
          {quick && (
            <QuickAdd
              types={types}
              initial={quick.text}
              at={quick.at}
              onClose={() => setQuick(undefined)}
              onPick={(t) => {
                add(t, flow.screenToFlowPosition(quick.at));
                setQuick(undefined);
              }}
            />
          )}
        </div>
        <Inspector
          doc={g.doc}
          {...(selected && { selected })}
          types={typeMap}
          diagnostics={g.diagnostics}
          models={modelSuggestions}
          {...(layerCounts && { layerCounts })}
          onParam={(node, name, value, key) => g.edit((d) => setParam(d, node, name, value), key)}
          onTitle={(node, title) => g.edit((d) => setTitle(d, node, title), `${node}.title`)}
          onGraphTitle={(title) => g.edit((d) => ({ ...d, title }), 'graph.title')}
        />
      </div>
      <footer className="status" data-testid="status">
        <span data-testid="run-message">{run.message ?? 'Ready. Open an example, tweak a parameter, press Run.'}</span>
        {run.written.length > 0 && <span className="written">wrote {run.written.join(', ')}</span>}
      </footer>
      {toast && (
        <div className={`toast ${toast.kind}`} data-testid="toast" role="alert">
          {toast.text}
        </div>
      )}
      {dialog?.kind === 'examples' && <ExamplesDialog examples={dialog.list} onOpen={(p) => void openPath(p)} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'open' && <OpenDialog graphs={dialog.graphs} pngs={dialog.pngs} onOpen={(p) => void openPath(p)} onClose={() => setDialog(undefined)} />}
    </div>
  );
}
