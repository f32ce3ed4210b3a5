/**
 * What hosts that stream a run (the server's events, the editor's in-browser runner) do with
 * values: outputs and intermediate values (`ctx.show`) become brief summaries at once and
 * previews (host-made, e.g. PNGs) as they are ready — a node's previews in the order they were
 * made, so a late intermediate image never replaces the final one.
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

export function valueStream<P>(sink: ValueSink<P>, makePreviews: (values: Readonly<Record<string, unknown>>) => Promise<readonly P[]>): ValueStream {
  const chains = new Map<string, Promise<void>>();
  const show = (node: string, values: Readonly<Record<string, unknown>>, step?: number) => {
    sink.values(node, summarizeValue(values) as Record<string, unknown>, step);
    const next = (chains.get(node) ?? Promise.resolve())
      .then(() => makePreviews(values))
      .then(
        (p) => void (p.length && sink.previews(node, p)),
        () => undefined,
      );
    chains.set(node, next);
  };
  return {
    onEvent: (e) => (e.type === 'node-value' ? show(e.node, { [e.name]: e.value }, e.step) : sink.event(e)),
    onOutputs: (node, outputs) => show(node, outputs),
    settled: async () => void (await Promise.all(chains.values())),
  };
}
