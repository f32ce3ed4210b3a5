/** A submitted batch job in the footer: shards done of all, failures, whether any worker is connected. */
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../api';

const POLL_MS = 1000;

type Status = Awaited<ReturnType<typeof api.batch.status.query>>;

export function BatchProgress({ id, name }: { id: string; name: string }) {
  const [s, setS] = useState<Status | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = () =>
      api.batch.status.query({ id }).then(
        (r) => {
          if (stopped) return;
          setS(r);
          setError(undefined);
          if (r.done + r.failed < r.shards && !r.cancelled) timer = setTimeout(poll, POLL_MS);
        },
        (e: unknown) => {
          if (stopped) return;
          setError(errorMessage(e));
          timer = setTimeout(poll, POLL_MS * 3);
        },
      );
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);
  const finished = s !== undefined && (s.done + s.failed >= s.shards || s.cancelled);
  return (
    <span className="batch-progress" data-testid="batch-progress" data-finished={finished ? 'yes' : 'no'}>
      batch {name}: {s ? `${s.done}/${s.shards} shards` : '…'}
      {s && s.failed > 0 && ` · ${s.failed} failed (${s.failures[0]?.error ?? ''})`}
      {s && !finished && s.workers === 0 && ' · no worker connected (stylegraph worker --queue …)'}
      {error && ` · ${error}`}
      {s && s.shards > 0 && <progress max={s.shards} value={s.done + s.failed} />}
      {s && !finished && !s.cancelled && (
        <button type="button" className="link" data-testid="batch-cancel" onClick={() => void api.batch.cancel.mutate({ id }).then(() => setS({ ...s, cancelled: true }), (e: unknown) => setError(errorMessage(e)))}>
          cancel
        </button>
      )}
      {s?.cancelled && ' · cancelled (submit it again to resume)'}
    </span>
  );
}
