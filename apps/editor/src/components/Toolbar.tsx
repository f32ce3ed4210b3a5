/** File, edit and run commands. */
import type { RunState } from '../run/useRun';

export type Backend = 'auto' | 'cpu' | 'webgpu' | 'browser-webgpu' | 'browser-wasm';

interface Props {
  readonly title: string;
  readonly path?: string;
  readonly dirty: boolean;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly run: RunState;
  readonly backend: Backend;
  readonly onBackend: (b: Backend) => void;
  /** Why the graph cannot run in the browser, when it cannot. */
  readonly browserUnsupported?: string;
  readonly onNew: () => void;
  readonly onExamples: () => void;
  readonly onOpen: () => void;
  readonly onOpenFile: (file: File) => void;
  readonly onSave: () => void;
  readonly onSaveAs: () => void;
  readonly onDownload: () => void;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onRun: () => void;
  readonly onCancel: () => void;
  /** Present when the server has a batch queue. */
  readonly onBatch?: () => void;
}

export function Toolbar(p: Props) {
  const running = p.run.phase === 'running' || p.run.phase === 'starting';
  return (
    <header className="toolbar">
      <span className="brand">stylegraph</span>
      <button type="button" onClick={p.onNew}>New</button>
      <button type="button" data-testid="examples" onClick={p.onExamples}>Examples</button>
      <button type="button" data-testid="open" onClick={p.onOpen}>Open…</button>
      <label className="button" title="Open a .graph.json, or a PNG with a graph embedded in it, from your computer">
        Open file…
        <input
          type="file"
          accept=".json,.png"
          data-testid="open-file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) p.onOpenFile(f);
            e.target.value = '';
          }}
        />
      </label>
      <button type="button" data-testid="save" onClick={p.onSave} title="Ctrl+S">Save</button>
      <button type="button" data-testid="save-as" onClick={p.onSaveAs}>Save as…</button>
      <button type="button" onClick={p.onDownload} title="Download the .graph.json">Download</button>
      <span className="sep" />
      <button type="button" data-testid="undo" disabled={!p.canUndo} onClick={p.onUndo} title="Ctrl+Z">Undo</button>
      <button type="button" data-testid="redo" disabled={!p.canRedo} onClick={p.onRedo} title="Ctrl+Shift+Z">Redo</button>
      <span className="sep" />
      <select data-testid="backend" value={p.backend} onChange={(e) => p.onBackend(e.target.value as Backend)} title="Where and how to run">
        <option value="auto">server · auto</option>
        <option value="cpu">server · cpu</option>
        <option value="webgpu">server · webgpu</option>
        <option value="browser-webgpu" disabled={!!p.browserUnsupported} title={p.browserUnsupported}>
          browser · WebGPU (else WASM)
        </option>
        <option value="browser-wasm" disabled={!!p.browserUnsupported} title={p.browserUnsupported}>
          browser · WASM
        </option>
      </select>
      {running ? (
        <button type="button" className="cancel" data-testid="cancel" onClick={p.onCancel}>Cancel</button>
      ) : (
        <button type="button" className="run" data-testid="run" onClick={p.onRun} title="Ctrl+Enter">▶ Run</button>
      )}
      {p.onBatch && (
        <button type="button" data-testid="batch" onClick={p.onBatch} title="Run over many machines: shards on the server's queue, run by stylegraph worker">
          Batch…
        </button>
      )}
      <span className={`run-phase phase-${p.run.phase}`} data-testid="run-phase" data-run-id={p.run.runId ?? ''}>{p.run.phase === 'idle' ? '' : p.run.phase}</span>
      <span className="file" data-testid="file-path">
        {p.title} {p.path ? `— ${p.path}` : '(unsaved)'}
        {p.dirty ? ' •' : ''}
      </span>
    </header>
  );
}
