/**
 * What hosts that stream a run (the server's events, the editor's in-browser runner) do with
 * values: outputs and intermediate values (`ctx.show`) become brief summaries at once and
 * previews (host-made, e.g. PNGs) as they are ready — a node's previews in the order they were
 * made, so a late intermediate image never replaces the final one. Shown values are read when
 * their preview is made: a node must not change a tensor in place after showing it.
 */
import { summarizeValue } from '../values/summarize.js';
import type { RunEvent } from './events.js';

export interface ValueSink<P> {
  /** Every event but `node-value`. */
  event(e: Exclude<RunEvent, { readonly type: 'node-value' }>): void;
  /** Brief values of a node (outputs, or one intermediate value and the step it was shown at), by name. */
  values(node: string, values: Record<string, unknown>, step?: number): void;
  previews(node: string, previews: readonly P[]): void;
}

export interface ValueStream {
  readonly onEvent: (e: RunEvent) => void;
  readonly onOutputs: (node: string, outputs: Readonly<Record<string, unknown>>) => void;
  /** Resolves when every preview started so far has been delivered (or failed). */
  settled(): Promise<void>;
}

interface Job {
  readonly key: string;
  values: Readonly<Record<string, unknown>>;
}
interface NodeQueue {
  readonly jobs: Job[];
  running?: Promise<void>;
}

export function valueStream<P>(sink: ValueSink<P>, makePreviews: (values: Readonly<Record<string, unknown>>) => Promise<readonly P[]>): ValueStream {
  const queues = new Map<string, NodeQueue>();
  const pump = async (node: string, q: NodeQueue) => {
    for (let job = q.jobs.shift(); job; job = q.jobs.shift()) {
      const p = await makePreviews(job.values).catch(() => []);
      if (p.length) sink.previews(node, p);
    }
    q.running = undefined;
  };
  // A node's previews are made one at a time, in order. A value shown again under the same name
  // before its preview was started replaces the waiting one, so a node that shows an image every
  // step keeps at most one waiting per name instead of a backlog.
  const enqueue = (node: string, key: string, values: Readonly<Record<string, unknown>>) => {
    const q = queues.get(node) ?? { jobs: [] };
    queues.set(node, q);
    const waiting = q.jobs.find((j) => j.key === key);
    if (waiting) waiting.values = values;
    else q.jobs.push({ key, values });
    q.running ??= pump(node, q);
  };
  const show = (node: string, key: string, values: Readonly<Record<string, unknown>>, step?: number) => {
    sink.values(node, summarizeValue(values) as Record<string, unknown>, step);
    enqueue(node, key, values);
  };
  return {
    onEvent: (e) => (e.type === 'node-value' ? show(e.node, `value:${e.name}`, { [e.name]: e.value }, e.step) : sink.event(e)),
    onOutputs: (node, outputs) => show(node, 'outputs', outputs),
    settled: async () => {
      while ([...queues.values()].some((q) => q.running)) await Promise.all([...queues.values()].map((q) => q.running));
    },
  };
}
