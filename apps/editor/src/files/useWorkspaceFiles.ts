/**
 * The workspace's model folders and files as paths relative to the graph's folder: what params
 * naming the files a node reads offer. Read again whenever `refresh` or `selected` changes
 * (after a run, which may have written files; when another node is inspected), and retried a few
 * times when the server does not answer, so a slow moment never leaves the pickers empty.
 */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { relativePath } from '../graph/layout';

const RETRIES = 3;
const RETRY_MS = 1000;

export function useWorkspaceFiles(base: string, refresh: unknown, selected?: string): readonly string[] {
  const [found, setFound] = useState<{ folders: readonly string[]; files: readonly string[] }>({ folders: [], files: [] });
  useEffect(() => {
    let stale = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (left: number) => {
      Promise.all([api.files.models.query(), api.files.inputs.query()]).then(
        ([folders, files]) => !stale && setFound({ folders, files }),
        () => {
          if (!stale && left > 0) timer = setTimeout(() => load(left - 1), RETRY_MS);
        },
      );
    };
    load(RETRIES);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [refresh, selected]);
  return useMemo(() => [...found.folders, ...found.files].map((p) => relativePath(base, p)), [found, base]);
}
