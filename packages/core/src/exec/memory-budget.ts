/**
 * The executor's memory budget. A run keeps every output value until it ends, so its planned
 * peak is the sum of all planned outputs. Checked before anything runs and again whenever a
 * node finishes (its actual sizes may fix dims that were unknown, e.g. a generator's), so a
 * run that would not fit is refused before the node that would not fit starts.
 */
import { isTensor } from '../values/tensor.js';
import type { NodeFailure } from './events.js';
import { bindOutputSizes, describeOutput, formatBytes, planMemory, type PlannedOutput, type RunSizes, type ShapedGraph } from './memory-plan.js';

export interface Refusal {
  /** The node the refusal is reported on. */
  readonly node: string;
  readonly failure: NodeFailure;
}

export class MemoryBudget {
  private readonly sizes: RunSizes = new Map();
  /** Bytes of the tensors each finished node actually returned. */
  private readonly actual = new Map<string, number>();
  private dirty = true;

  /**
   * @param nodes the nodes of the run
   * @param hint how to raise the budget, for the message (e.g. "raise it with --max-memory")
   */
  constructor(
    private readonly graph: ShapedGraph,
    private readonly nodes: readonly string[],
    readonly budget: number,
    private readonly hint?: string,
  ) {}

  /** A node finished (or came from the cache) with these outputs. */
  record(node: string, outputs: Readonly<Record<string, unknown>>): void {
    bindOutputSizes(this.graph, node, outputs, this.sizes);
    const def = this.graph.nodes.get(node)?.def;
    let bytes = 0;
    for (const port of Object.keys(def?.outputs ?? {})) {
      const v = outputs[port];
      if (isTensor(v)) bytes += v.data.byteLength;
    }
    this.actual.set(node, bytes);
    this.dirty = true;
  }

  /** Why none of the `pending` nodes (not started yet) may start, or undefined when they may. */
  check(pending: ReadonlySet<string>): Refusal | undefined {
    if (!this.dirty || pending.size === 0) return undefined;
    this.dirty = false;
    const plan = planMemory(this.graph, { nodes: this.nodes, sizes: this.sizes });
    const planned = new Map<string, number>();
    for (const p of plan.outputs) planned.set(p.node, (planned.get(p.node) ?? 0) + (p.bytes ?? 0));
    let total = 0;
    for (const id of this.nodes) total += this.actual.get(id) ?? planned.get(id) ?? 0;
    if (total <= this.budget) return undefined;

    const largest = (ps: readonly PlannedOutput[]) => ps.reduce<PlannedOutput | undefined>((m, p) => (p.bytes !== undefined && p.bytes > (m?.bytes ?? -1) ? p : m), undefined);
    const culprit = largest(plan.outputs.filter((p) => pending.has(p.node))) ?? largest(plan.outputs);
    const node = culprit && pending.has(culprit.node) ? culprit.node : this.nodes.find((id) => pending.has(id))!;
    const unknown = plan.outputs.some((p) => p.bytes === undefined && !this.actual.has(p.node));
    const what = culprit ? `node "${culprit.node}" (${culprit.type}) ${pending.has(culprit.node) ? 'would output' : 'output'} ${describeOutput(culprit)}; ` : '';
    const message =
      `${what}planned outputs total ${unknown ? 'at least ' : ''}${formatBytes(total)}, over the memory budget of ${formatBytes(this.budget)}` +
      (this.hint ? ` (${this.hint})` : '');
    return { node, failure: { code: 'MEMORY_BUDGET', message } };
  }
}
