import { describe, expect, it } from 'vitest';
import { latentDistances, latentReport } from './latent-stats.js';

describe('latent distances from w_avg in w_std', () => {
  it('‖w − w_avg‖ / w_std per row, their mean and max', () => {
    const stats = { avg: Float32Array.of(1, -1), std: 2 };
    // 2 targets × 2 rows × wDim 2.
    const ws = Float32Array.of(4, 3, 1, -1, 1, 1, -2, -5);
    expect(latentDistances(ws, 2, 2, 2, stats)).toEqual([2.5, 0, 1, 2.5]);
    expect(latentReport(ws, 2, 2, 2, stats)).toEqual({ wDistance: 1.5, wDistanceMax: 2.5 });
  });
});
