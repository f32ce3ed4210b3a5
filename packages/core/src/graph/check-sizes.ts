/**
 * Outputs too large to exist: a statically known output with more elements than a typed array
 * can hold is an error at check time (TENSOR_TOO_LARGE), not a crash deep inside the node.
 */
import type { Diagnostic } from './diagnostics.js';
import { MAX_TENSOR_ELEMENTS, describeOutput, planMemory, type ShapedGraph } from '../exec/memory-plan.js';

export function checkSizes(graph: ShapedGraph, out: Diagnostic[]): void {
  for (const p of planMemory(graph).outputs) {
    if (p.elements === undefined || p.elements <= MAX_TENSOR_ELEMENTS) continue;
    out.push({
      severity: 'error',
      code: 'TENSOR_TOO_LARGE',
      node: p.node,
      port: p.port,
      message: `${p.type} would output ${describeOutput(p)}: ${p.elements} elements, more than one tensor can hold (${MAX_TENSOR_ELEMENTS}); split the work into smaller runs`,
    });
  }
}
