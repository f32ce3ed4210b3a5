/**
 * A line chart of one series as an image `[1, 3, H, W]` in −1…1: white ground, grey frame and
 * grid lines at the value axis' quarters, the series in blue. The range spans the series.
 */
export function plotSeries(values: readonly number[], width = 256, height = 128): Float32Array {
  const img = new Float32Array(3 * width * height).fill(1);
  const put = (x: number, y: number, rgb: readonly number[]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    for (let c = 0; c < 3; c++) img[(c * height + y) * width + x] = rgb[c]!;
  };
  const grey = [0.6, 0.6, 0.6];
  const pad = 4;
  for (let x = pad; x < width - pad; x++) for (const y of [pad, height - 1 - pad]) put(x, y, grey);
  for (let y = pad; y < height - pad; y++) for (const x of [pad, width - 1 - pad]) put(x, y, grey);
  for (const q of [0.25, 0.5, 0.75]) {
    const y = Math.round(pad + q * (height - 1 - 2 * pad));
    for (let x = pad; x < width - pad; x += 3) put(x, y, [0.85, 0.85, 0.85]);
  }
  const finite = values.filter(Number.isFinite);
  if (finite.length < 1) return img;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const px = (i: number) => pad + (values.length === 1 ? 0 : (i / (values.length - 1)) * (width - 1 - 2 * pad));
  const py = (v: number) => pad + (1 - (v - lo) / (hi - lo)) * (height - 1 - 2 * pad);
  const blue = [-0.7, -0.3, 0.6];
  for (let i = 0; i + 1 < values.length; i++) {
    const [a, b] = [values[i]!, values[i + 1]!];
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    const [x0, y0, x1, y1] = [px(i), py(a), px(i + 1), py(b)];
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= n; s++) put(Math.round(x0 + ((x1 - x0) * s) / n), Math.round(y0 + ((y1 - y0) * s) / n), blue);
  }
  return img;
}
