/** The editor: palette, canvas, inspector and toolbar around one graph document. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import { api, errorMessage, type NodeTypeInfo, type PluginInfo } from './api';
import { GraphNodeView, type GraphFlowNode } from './components/GraphNodeView';
import { Inspector } from './components/Inspector';
import { DRAG_TYPE, Palette } from './components/Palette';
import { QuickAdd } from './components/QuickAdd';
import { ExamplesDialog, OpenDialog, type Example } from './components/Dialogs';
import { OutputView } from './components/OutputView';
import { Toolbar, type Backend } from './components/Toolbar';
import { emptyGraph, setParam, setTitle } from './graph/model';
import { useGraph } from './graph/useGraph';
import { useCanvas } from './graph/useCanvas';
import { useLayerLayouts } from './graph/useLayerLayouts';
import { useFileActions } from './files/useFileActions';
import { useWorkspaceFiles } from './files/useWorkspaceFiles';
import { useRun } from './run/useRun';
import { useBrowserRun } from './browser/useBrowserRun';
import { browserUnsupported, loadServerPlugins } from './browser/registry';
import { useShortcuts } from './useShortcuts';
import { useToast } from './useToast';
import { BatchDialog } from './batch/BatchDialog';
import { BatchProgress } from './batch/BatchProgress';

const nodeTypes = { graph: GraphNodeView };

type Dialog = { kind: 'examples'; list: Example[] } | { kind: 'open'; graphs: string[]; pngs: string[] } | { kind: 'output'; path: string } | { kind: 'batch' };

export function App() {
  const g = useGraph();
  const server = useRun();
  const browser = useBrowserRun();
  const flow = useReactFlow();
  const { toast, say } = useToast();
  const [types, setTypes] = useState<NodeTypeInfo[]>([]);
  const [plugins, setPlugins] = useState<PluginInfo[]>([]);
  /** Counts the server's plugins loaded into the page, so what can run in the browser is re-decided. */
  const [browserPlugins, setBrowserPlugins] = useState(0);
  const typeMap = useMemo(() => new Map(types.map((t) => [t.type, t])), [types]);
  const [dialog, setDialog] = useState<Dialog | undefined>();
  const [queue, setQueue] = useState(false);
  const [batchJob, setBatchJob] = useState<{ id: string; name: string } | undefined>();
  const [quick, setQuick] = useState<{ at: { x: number; y: number }; text: string } | undefined>();
  const [backend, setBackend] = useState<Backend>('auto');
  const { state: run, cancel } = backend.startsWith('browser-') ? browser : server;
  /** Folder relative paths in the graph resolve against (the file's, or a guess for graphs from PNGs). */
  const [base, setBase] = useState('.');
  /** Where an unsaved graph is run from: its folder decides relative paths and `out/untitled/`. */
  const runPath = g.path ?? `${base === '.' ? '' : `${base}/`}untitled.graph.json`;
  const mouse = useRef({ x: 200, y: 200 });
  const canvas = useCanvas({ g, typeMap, run, path: runPath, say });
  const files = useFileActions({ g, base, setBase, say, onLoaded: canvas.reset });
  const layouts = useLayerLayouts(g.doc, typeMap, runPath, run.values);
  const selected = canvas.selectedNodes.size === 1 ? [...canvas.selectedNodes][0] : undefined;
  const inputPaths = useWorkspaceFiles(base, run.written, selected);

  useEffect(() => {
    api.batch.available.query().then(
      (r) => setQueue(r.queue),
      () => setQueue(false),
    );
  }, []);

  useEffect(() => {
    api.graph.nodeTypes.query().then(
      (r) => {
        setTypes(r.nodes);
        setPlugins(r.plugins);
        void loadServerPlugins(r.plugins).then((problems) => {
          setBrowserPlugins((n) => n + 1);
          for (const p of problems) say(p, 'error');
        });
      },
      (e: unknown) => say(`cannot reach the server: ${errorMessage(e)}`, 'error'),
    );
  }, [say]);

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    if (!g.dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [g.dirty]);

  const showExamples = useCallback(
    () => void api.files.examples.query().then((list) => setDialog({ kind: 'examples', list }), (e: unknown) => say(errorMessage(e), 'error')),
    [say],
  );
  const showOpen = useCallback(
    () => void api.files.list.query().then((r) => setDialog({ kind: 'open', graphs: r.graphs, pngs: r.pngs }), (e: unknown) => say(errorMessage(e), 'error')),
    [say],
  );
  const open = useCallback((path: string) => {
    setDialog(undefined);
    void files.openPath(path);
  }, [files]);

  const unsupported = useMemo(() => browserUnsupported(Object.values(g.doc.nodes).map((n) => n.type)), [g.doc, browserPlugins]);
  const doRun = useCallback(() => {
    if (backend === 'browser-webgpu' || backend === 'browser-wasm') {
      if (unsupported) return say(`cannot run in the browser: ${unsupported}`, 'error');
      void browser.start(g.doc, g.path, base, backend === 'browser-webgpu' ? 'webgpu' : 'wasm');
    } else void server.start(g.doc, runPath, backend);
  }, [server, browser, g.doc, g.path, base, runPath, backend, unsupported, say]);

  useShortcuts({
    blocked: dialog !== undefined,
    save: (asNew) => void files.save(asNew),
    run: doRun,
    undo: g.undo,
    redo: g.redo,
    copy: canvas.copy,
    paste: canvas.paste,
    type: (key) => setQuick({ at: mouse.current, text: key }),
  });

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
        onNew={() => files.openDoc(emptyGraph(), undefined)}
        onExamples={showExamples}
        onOpen={showOpen}
        onOpenFile={(f) => void files.openFile(f)}
        onSave={() => void files.save(false)}
        onSaveAs={() => void files.save(true)}
        onDownload={files.download}
        onUndo={g.undo}
        onRedo={g.redo}
        onRun={doRun}
        onCancel={() => void cancel()}
        {...(queue && { onBatch: () => setDialog({ kind: 'batch' }) })}
      />
      <div className="main">
        <Palette types={types} plugins={plugins} onAdd={(t) => canvas.add(t)} />
        <div
          className="canvas"
          data-testid="canvas"
          onMouseMove={(e) => (mouse.current = { x: e.clientX, y: e.clientY })}
          onDragOver={(e) => {
            if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }}
          onDrop={(e) => {
            const t = typeMap.get(e.dataTransfer.getData(DRAG_TYPE));
            if (!t) return;
            e.preventDefault();
            canvas.add(t, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
          }}
        >
          <ReactFlow<GraphFlowNode>
            nodes={canvas.nodes}
            edges={canvas.edges}
            nodeTypes={nodeTypes}
            onNodesChange={canvas.onNodesChange}
            onEdgesChange={canvas.onEdgesChange}
            onConnect={(c) => void canvas.onConnect(c)}
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
                canvas.add(t, flow.screenToFlowPosition(quick.at));
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
          files={inputPaths}
          layouts={layouts}
          onParam={(node, name, value, key) => g.edit((d) => setParam(d, node, name, value), key)}
          onTitle={(node, title) => g.edit((d) => setTitle(d, node, title), `${node}.title`)}
          onGraphTitle={(title) => g.edit((d) => ({ ...d, title }), 'graph.title')}
        />
      </div>
      <footer className="status" data-testid="status">
        <span data-testid="run-message">{run.message ?? 'Ready. Open an example, tweak a parameter, press Run.'}</span>
        {batchJob && <BatchProgress id={batchJob.id} name={batchJob.name} />}
        {run.written.length > 0 && (
          <span className="written">
            wrote{' '}
            {run.written.map((w) => (
              <button key={w} type="button" className="link" data-testid={`output-${w}`} onClick={() => setDialog({ kind: 'output', path: w })}>
                {w}
              </button>
            ))}
          </span>
        )}
      </footer>
      {toast && (
        <div className={`toast ${toast.kind}`} data-testid="toast" role="alert">
          {toast.text}
        </div>
      )}
      {dialog?.kind === 'examples' && <ExamplesDialog examples={dialog.list} onOpen={open} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'output' && <OutputView path={dialog.path} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'batch' && (
        <BatchDialog
          doc={g.doc}
          path={runPath}
          types={typeMap}
          onSubmitted={(id, name) => {
            setBatchJob({ id, name });
            setDialog(undefined);
            say(`submitted ${name}`, 'info');
          }}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'open' && <OpenDialog graphs={dialog.graphs} pngs={dialog.pngs} onOpen={open} onClose={() => setDialog(undefined)} />}
    </div>
  );
}
