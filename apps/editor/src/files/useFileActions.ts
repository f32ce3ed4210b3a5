/**
 * Opening and saving graphs: from the workspace (graph files, and PNGs whose embedded graph is
 * restored), from the user's computer, saving through the server in the runner's exact format,
 * and downloading a copy.
 */
import { useCallback } from 'react';
import { serializeGraph, type GraphDocument } from '@stylegraph/core';
import { api, errorMessage } from '../api';
import { dirOf } from '../graph/layout';
import type { GraphStore } from '../graph/useGraph';
import { toBase64 } from '../browser/base64';

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'untitled';

interface Options {
  readonly g: GraphStore;
  /** Folder relative paths in the graph resolve against. */
  readonly base: string;
  readonly setBase: (dir: string) => void;
  readonly say: (text: string, kind?: 'error' | 'info') => void;
  /** Called after a document was loaded (to reset the view). */
  readonly onLoaded: () => void;
}

export function useFileActions({ g, base, setBase, say, onLoaded }: Options) {
  const openDoc = useCallback(
    (doc: GraphDocument, path: string | undefined, baseDir?: string) => {
      if (g.dirty && !window.confirm('Discard the unsaved changes to this graph?')) return false;
      g.load(doc, path);
      setBase(path ? dirOf(path) : (baseDir ?? '.'));
      onLoaded();
      return true;
    },
    [g, setBase, onLoaded],
  );

  const openPath = useCallback(
    async (path: string) => {
      try {
        const r = await api.files.open.query({ path });
        const fromPng = /\.png$/i.test(path);
        if (openDoc(r.graph as GraphDocument, fromPng ? undefined : path, r.base)) say(fromPng ? `restored the graph embedded in ${path}` : `opened ${path}`);
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
          const r = await api.graph.fromPng.mutate({ name: file.name, base64: toBase64(new Uint8Array(await file.arrayBuffer())) });
          if (openDoc(r.graph as GraphDocument, undefined, r.base)) say(`restored the graph embedded in ${file.name}`);
        } else if (openDoc(JSON.parse(await file.text()) as GraphDocument, undefined)) {
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
      const write = async (overwrite: boolean) => {
        await api.files.save.mutate({ path, graph: g.doc, overwrite });
        g.markSaved(path, g.doc);
        setBase(dirOf(path));
        say(`saved ${path}`);
      };
      try {
        await write(!asNew || path === g.path);
      } catch (e) {
        const msg = errorMessage(e);
        if (!/already exists/.test(msg) || !window.confirm(`${path} exists. Replace it?`)) return say(msg, 'error');
        await write(true).catch((e2: unknown) => say(errorMessage(e2), 'error'));
      }
    },
    [g, base, setBase, say],
  );

  const download = useCallback(() => {
    const blob = new Blob([serializeGraph(g.doc)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = g.path?.split('/').pop() ?? `${slug(g.doc.title ?? 'untitled')}.graph.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  }, [g.doc, g.path]);

  return { openDoc, openPath, openFile, save, download };
}
