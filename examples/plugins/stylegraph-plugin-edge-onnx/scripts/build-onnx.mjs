#!/usr/bin/env node
/**
 * Writes operators/sobel.onnx: luma Sobel edge magnitude of an image, built with
 * @stylegraph/ops-gpu's GraphBuilder (no Python, no export step). Deterministic: running it
 * again writes the same bytes. `--check` only compares the committed file with a fresh build.
 *
 *   image    [B, 3, H, W] float32 in −1…1
 *   strength []           float32 (the manifest's `strength` param)
 *   edges    [B, 3, H, W] float32 in −1…1: 2·clip(strength·|∇Y| / 8, 0, 1) − 1 on every channel
 *
 * Y = 0.299 R + 0.587 G + 0.114 B (BT.601 luma). ∇Y is the 3×3 Sobel operator with the border
 * replicated (edge padding), written as separable shifts so it stays shape-preserving with
 * symbolic H and W: Gx = [1 2 1]ᵀ ∗ (Y[x+1] − Y[x−1]), Gy likewise. |∇Y| = √(Gx² + Gy² + 1e-8):
 * the ε keeps the gradient finite where the image is flat; a full black-to-white step
 * (ΔY = 2) gives |∇Y| = 8, hence the 1/8. Every op has a gradient in ops-gpu's table, so the
 * operator is differentiable (almost everywhere: the clip has kinks at 0 and 1); ops-gpu's
 * gradient builder differentiates it at fixed sizes (`buildSobel({ B: 1, H: 4, W: 5 })`), its
 * Pad gradient not yet taking symbolic sizes.
 *
 * Run from the workspace after building ops-gpu (`npx tsc -b packages/ops-gpu`):
 *   node examples/plugins/stylegraph-plugin-edge-onnx/scripts/build-onnx.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GraphBuilder } from '@stylegraph/ops-gpu';

export const LUMA = [0.299, 0.587, 0.114];
export const EPS = 1e-8;

/** The value at index i + dir (dir = ±1) along `axis` of a rank-4 value, the border replicated. */
function shift(g, x, axis, dir, ones) {
  const pads = [0, 0, 0, 0, 0, 0, 0, 0];
  pads[axis] = -dir; // crop one at the start (dir = +1) or pad one there (dir = −1) …
  pads[4 + axis] = dir; // … and the opposite at the end: the same size, shifted, zero where it left the image
  const inside = g.pad(ones, pads); // 1 where the neighbour is inside the image, 0 on the border line
  return g.add(g.pad(x, pads), g.mul(x, g.sub(1, inside))); // on the border line, the value itself
}

/**
 * The graph: inputs `image` and `strength`, output `edges` (and a tap `scaled`, the value the
 * clip acts on). `size` fixes B, H and W (for gradient checks: ops-gpu's gradient of Pad needs
 * static sizes on the padded axes); the model file keeps them symbolic.
 */
export function buildSobel(size = { B: 'B', H: 'H', W: 'W' }) {
  const g = new GraphBuilder();
  const image = g.input('image', 'float32', [size.B, 3, size.H, size.W]);
  const strength = g.input('strength', 'float32', []);
  const channel = (c) => g.slice(image, { starts: [c], ends: [c + 1], axes: [1] });
  const y = g.add(g.add(g.mul(channel(0), LUMA[0]), g.mul(channel(1), LUMA[1])), g.mul(channel(2), LUMA[2]), 'luma');
  const ones = g.expand(g.scalar(1, 'float32'), [size.B, 1, size.H, size.W]);
  const H = 2;
  const W = 3;
  const smooth = (d, axis) => g.add(g.add(shift(g, d, axis, -1, ones), g.mul(d, 2)), shift(g, d, axis, 1, ones));
  const gx = smooth(g.sub(shift(g, y, W, 1, ones), shift(g, y, W, -1, ones)), H);
  const gy = smooth(g.sub(shift(g, y, H, 1, ones), shift(g, y, H, -1, ones)), W);
  const magnitude = g.sqrt(g.add(g.add(g.mul(gx, gx), g.mul(gy, gy)), EPS), 'magnitude');
  const scaled = g.mul(g.mul(magnitude, 1 / 8), strength, 'scaled');
  g.tap('scaled', scaled);
  const e = g.clip(scaled, { min: 0, max: 1 });
  const edges = g.expand(g.sub(g.mul(e, 2), 1), [size.B, 3, size.H, size.W]);
  g.output('edges', edges);
  return g;
}

/** The model bytes. */
export const sobelModel = () => buildSobel().toModel({ name: 'edge.sobel' });

const target = fileURLToPath(new URL('../operators/sobel.onnx', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bytes = sobelModel();
  if (process.argv.includes('--check')) {
    const same = Buffer.compare(readFileSync(target), bytes) === 0;
    console.log(same ? `${target} is up to date` : `${target} differs from a fresh build; run this script without --check`);
    process.exit(same ? 0 : 1);
  }
  writeFileSync(target, bytes);
  console.log(`wrote ${target} (${bytes.byteLength} bytes)`);
}
