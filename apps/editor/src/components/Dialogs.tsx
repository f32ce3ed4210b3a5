/** Modal lists: the examples gallery and the workspace's graph files. */
import type { ReactNode } from 'react';

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  return (
    <div className="modal-backdrop" onMouseDown={onClose}>
      <div className="modal" onMouseDown={(e) => e.stopPropagation()} role="dialog" aria-label={title}>
        <header>
          <h3>{title}</h3>
          <button type="button" onClick={onClose} aria-label="close">
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export interface Example {
  readonly path: string;
  readonly title: string;
  readonly description: string;
}

export function ExamplesDialog({ examples, onOpen, onClose }: { examples: readonly Example[]; onOpen: (path: string) => void; onClose: () => void }) {
  return (
    <Modal title="Examples" onClose={onClose}>
      <div className="gallery">
        {examples.length === 0 && <p>No graphs in the workspace's examples/ folder.</p>}
        {examples.map((e) => (
          <button key={e.path} type="button" className="card" data-testid={`example-${e.path}`} onClick={() => onOpen(e.path)}>
            <b>{e.title}</b>
            <span>{e.description}</span>
            <code>{e.path}</code>
          </button>
        ))}
      </div>
    </Modal>
  );
}

function FileButtons({ files, onOpen }: { files: readonly string[]; onOpen: (path: string) => void }) {
  return (
    <ul className="file-list">
      {files.map((f) => (
        <li key={f}>
          <button type="button" data-testid={`open-${f}`} onClick={() => onOpen(f)}>
            {f}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function OpenDialog({ graphs, pngs, onOpen, onClose }: { graphs: readonly string[]; pngs: readonly string[]; onOpen: (path: string) => void; onClose: () => void }) {
  return (
    <Modal title="Open from the workspace" onClose={onClose}>
      <h4>Graphs</h4>
      <FileButtons files={graphs} onOpen={onOpen} />
      <h4>PNGs (their embedded graph)</h4>
      <FileButtons files={pngs} onOpen={onOpen} />
    </Modal>
  );
}
