/**
 * A small seeded generator for tests: mulberry32 uniforms and Box–Muller normals.
 */
export class Rng {
  constructor(private s: number) {}
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
  /** n normals as float32. */
  floats(n: number): Float32Array {
    return Float32Array.from({ length: n }, () => this.normal());
  }
}
