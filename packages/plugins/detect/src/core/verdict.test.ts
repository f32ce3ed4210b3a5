import { describe, expect, it } from 'vitest';
import { reportImages, verdicts } from './verdict.js';

const opts = { fpr: 0.01, keyName: 'K' };

describe('verdicts', () => {
  it('watermark first, then Bonferroni-corrected passive evidence, else no evidence', () => {
    const wm = { images: 3, 'detected.0': 1, 'pValue.0': 1e-20, 'payload.0': 'beef', 'detected.1': 0, 'pValue.1': 0.4, 'payload.1': '', 'detected.2': 0, 'pValue.2': 0.9, 'payload.2': '' };
    const a = { images: 3, detector: 'residual', 'pValue.0': 0.5, 'pValue.1': 0.004, 'pValue.2': 0.006 };
    const b = { images: 3, detector: 'spectral', 'pValue.0': 0.5, 'pValue.1': 0.2, 'pValue.2': 0.3 };
    const v = verdicts(wm, [a, b], opts);
    expect(v.map((x) => x.verdict)).toEqual(['watermarked', 'generated', 'no evidence']);
    expect(v[0]!.statement).toBe('watermarked with key K (p = 1.00e-20, payload beef)');
    expect(v[1]!.pValue).toBe(0.008); // 2 detectors × 0.004
    expect(v[1]!.statement).toBe('likely generated (p = 0.00800, detector residual)');
    // 2 × 0.006 = 0.012 > 0.01: not enough once corrected.
    expect(v[2]!.statement).toBe('no evidence (watermark p = 0.900; best detector p = 0.0120 (residual))');
    expect(v[2]!.pValue).toBe(0.012);
    // With one detector the same p-value 0.006 is evidence.
    expect(verdicts(wm, [a], opts)[2]!.verdict).toBe('generated');
  });

  it('reads single-image reports by plain keys and counts images', () => {
    const one = { detected: 0, pValue: 0.3, payload: '' };
    expect(reportImages(one)).toBe(1);
    expect(reportImages({ images: 7 })).toBe(7);
    const v = verdicts(one, [{ detector: 'd', pValue: 0.001 }], opts);
    expect(v).toHaveLength(1);
    expect(v[0]!.verdict).toBe('generated');
    expect(verdicts(undefined, [{ detector: 'd', pValue: 0.5 }], opts)[0]!.statement).toBe('no evidence (best detector p = 0.500 (d))');
    expect(verdicts({ detected: 1, pValue: 1e-9, payload: '' }, [], opts)[0]!.statement).toBe('watermarked with key K (p = 1.00e-9)');
  });

  it('exact statements and numbers: p formats, payloads per image, which detector is named', () => {
    const wm = { images: 2, 'detected.0': 1, 'pValue.0': 0.001, 'payload.0': 'ab', 'detected.1': 0, 'pValue.1': 0.5, 'payload.1': '' };
    const a = { images: 2, detector: 'a', 'pValue.0': 0.2, 'pValue.1': 0.004 };
    const b = { images: 2, detector: 'b', 'pValue.0': 0.1, 'pValue.1': 0.004 };
    const v = verdicts(wm, [a, b], { fpr: 0.008, keyName: 'Q' });
    expect(v[0]).toEqual({ verdict: 'watermarked', statement: 'watermarked with key Q (p = 0.00100, payload ab)', pValue: 0.001, evidence: 'watermark', payload: 'ab' });
    // Equal p-values: the first detector is named; 2 × 0.004 = 0.008 ≤ fpr counts.
    expect(v[1]).toEqual({ verdict: 'generated', statement: 'likely generated (p = 0.00800, detector a)', pValue: 0.008, evidence: 'a', payload: '' });
    const none = verdicts({ images: 2, 'detected.0': 0, 'pValue.0': 0.3, 'detected.1': 0, 'pValue.1': 0.2 }, [], opts);
    expect(none[1]).toEqual({ verdict: 'no evidence', statement: 'no evidence (watermark p = 0.200)', pValue: 0.2, evidence: '', payload: '' });
    expect(verdicts(undefined, [{ pValue: 0.0009 }], opts)[0]!.statement).toBe('likely generated (p = 9.00e-4, detector detector)');
  });
});
