/**
 * Toy "real" and "generated" images for trainer tests: smooth random colour fields, and the same
 * kind with a trace on the even-pixel lattice, as nearest-neighbour upsampling leaves in a
 * spectrum. 8-bit RGB [64, 64, 3] each, deterministic in `seed`.
 */
export function toyImages(count: number, artefact: boolean, seed: number): Uint8Array[] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const rgb = new Uint8Array(64 * 64 * 3);
    const [fx, fy, ph] = [1 + 3 * rand(), 1 + 3 * rand(), 6 * rand()];
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        for (let c = 0; c < 3; c++) {
          let v = 0.5 * Math.sin((fx * x + fy * y) / 10 + ph + c) + 0.05 * (rand() - 0.5);
          if (artefact && x % 2 === 0 && y % 2 === 0) v += 0.15 * (rand() - 0.5) + 0.04;
          rgb[(y * 64 + x) * 3 + c] = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
        }
      }
    }
    out.push(rgb);
  }
  return out;
}
