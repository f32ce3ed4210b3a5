/**
 * Keyboard shortcuts: Ctrl+S save (Shift: save as), Ctrl+Enter run, Ctrl+Z / Ctrl+Shift+Z /
 * Ctrl+Y undo and redo, Ctrl+C / Ctrl+V copy and paste nodes, and any other character typed on
 * the canvas opens the quick-add search with it.
 */
import { useEffect } from 'react';

interface Shortcuts {
  /** While true (a dialog is open) only save and run work. */
  readonly blocked: boolean;
  readonly save: (asNew: boolean) => void;
  readonly run: () => void;
  readonly undo: () => void;
  readonly redo: () => void;
  readonly copy: () => void;
  readonly paste: () => void;
  readonly type: (key: string) => void;
}

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function useShortcuts(s: Shortcuts): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      const act = (f: () => void) => {
        e.preventDefault();
        f();
      };
      if (mod && key === 's') return act(() => s.save(e.shiftKey));
      if (mod && e.key === 'Enter') return act(s.run);
      if (isTyping(e.target) || s.blocked) return;
      if (mod && key === 'z') return act(e.shiftKey ? s.redo : s.undo);
      if (mod && key === 'y') return act(s.redo);
      if (mod && key === 'c') return s.copy();
      if (mod && key === 'v') return act(s.paste);
      if (!mod && !e.altKey && e.key.length === 1 && /\S/.test(e.key)) act(() => s.type(e.key));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [s]);
}
