/**
 * The workspace's model folders and files as paths relative to the graph's folder: what params
 * naming the files a node reads offer. Read again whenever `refresh` changes (after a run,
 * which may have written files).
 */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { relativePath } from '../graph/layout';

export function useWorkspaceFiles(base: string, refresh: unknown): readonly string[] {
  const [found, setFound] = useState<{ folders: readonly string[]; files: readonly string[] }>({ folders: [], files: [] });
  useEffect(() => {
    let stale = false;
    void Promise.all([api.files.models.query().catch(() => []), api.files.inputs.query().catch(() => [])]).then(([folders, files]) => !stale && setFound({ folders, files }));
    return () => {
      stale = true;
    };
  }, [refresh]);
  return useMemo(() => [...found.folders, ...found.files].map((p) => relativePath(base, p)), [found, base]);
}
