#!/usr/bin/env node
/**
 * Builds the ONNX models of operators/ with @stylegraph/ops-gpu's GraphBuilder (no Python, no
 * export step) and writes them next to their manifests: `npm run build`. Deterministic: the
 * same script writes the same bytes.
 *
 *   image  [B, C, H, W] float32 in −1…1
 *   amount []           float32 (the manifest's `amount` param, fed as a scalar)
 *   out    [B, C, H, W] float32: (1 − 2·amount)·image
 *
 * Every op has a gradient rule in ops-gpu, so the manifest may say "differentiable": true.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { GraphBuilder } from '@stylegraph/ops-gpu';

/** operators/invert.onnx. */
export function invertModel() {
  const g = new GraphBuilder();
  const image = g.input('image', 'float32', ['B', 'C', 'H', 'W']); // [B, C, H, W]
  const amount = g.input('amount', 'float32', []); // []
  const k = g.sub(1, g.mul(amount, 2)); // []
  g.output('out', g.mul(image, k)); // [B, C, H, W]
  return g.toModel({ name: 'invert' });
}

/** Each model by its file name in operators/. */
export const MODELS = { 'invert.onnx': invertModel };

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, build] of Object.entries(MODELS)) {
    const bytes = build();
    await writeFile(new URL(`../operators/${name}`, import.meta.url), bytes);
    console.log(`wrote operators/${name} (${bytes.byteLength} bytes)`);
  }
}
