import { describe, expect, it } from 'vitest';
import { tensor } from './tensor.js';
import { readNpy, writeNpy } from './npy.js';

describe('.npy', () => {
  it('round-trips and matches NumPy’s header layout', () => {
    const t = tensor('float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6.5]));
    const bytes = writeNpy(t);
    expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 70))).toContain("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    expect(readNpy(bytes)).toEqual(t);
    expect(readNpy(writeNpy(tensor('float64', [4], Float64Array.from([0.1, 2, 3, 4])))).dims).toEqual([4]);
  });

  it('reads a Node Buffer from a pooled allocation (whose slice shares memory)', () => {
    const npy = writeNpy(tensor('float32', [2], Float32Array.from([1.5, -2])));
    // Buffer.from(array) of a small size lands in Node's shared pool at a non-zero offset.
    const pooled = (globalThis as unknown as { Buffer: { from(a: Uint8Array): Uint8Array } }).Buffer.from(npy);
    expect(Array.from(readNpy(pooled).data as Float32Array)).toEqual([1.5, -2]);
  });

  it('refuses what it cannot read, naming the file', () => {
    expect(() => readNpy(new Uint8Array(12), 'w.npy')).toThrow('w.npy: not a .npy file');
    const big = writeNpy(tensor('float32', [4], new Float32Array(4)));
    expect(() => readNpy(big.subarray(0, big.length - 1), 'w.npy')).toThrow(/shorter/);
    const be = writeNpy(tensor('float32', [1], new Float32Array(1)));
    be[21] = 0x3e; // '<f4' → '>f4'
    expect(() => readNpy(be, 'w.npy')).toThrow(/unsupported dtype >f4/);
  });
});
