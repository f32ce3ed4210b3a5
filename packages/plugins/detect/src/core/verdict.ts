/**
 * One statement per image from the keyed watermark's report (watermark/Decode or Verify: an exact
 * p-value) and passive detectors' reports (detect/*: a p-value against real images):
 *   - "watermarked with key K (p = …)" when the watermark report says detected;
 *   - else "likely generated (p = …, detector …)" when the smallest passive p-value, Bonferroni-
 *     corrected for the number of detectors, is at most `fpr`;
 *   - else "no evidence", with the numbers looked at.
 * Reports of one image have plain keys (`pValue`); reports of a batch have `pValue.b` and `images`.
 */
import type { Report } from '@stylegraph/core';

export type VerdictKind = 'watermarked' | 'generated' | 'no evidence';

export interface ImageVerdict {
  readonly verdict: VerdictKind;
  readonly statement: string;
  /** The p-value behind the verdict (watermark, corrected passive, or the smallest looked at). */
  readonly pValue: number;
  readonly evidence: string;
  readonly payload: string;
}

/** Number of images a report describes (`images`, else 1). */
export function reportImages(r: Report): number {
  return typeof r.images === 'number' ? r.images : 1;
}

/** Image b's value of `key` (`key.b` in a batch report, `key` in a single one). */
function at(r: Report, key: string, b: number): number | string | boolean | undefined {
  return reportImages(r) === 1 && !(`${key}.0` in r) ? r[key] : r[`${key}.${b}`];
}

const fmt = (p: number): string => (p < 1e-3 ? p.toExponential(2) : p.toPrecision(3));

export function verdicts(watermark: Report | undefined, passive: readonly Report[], opts: { fpr: number; keyName: string }): ImageVerdict[] {
  const all = [...(watermark ? [watermark] : []), ...passive];
  const B = all.length ? reportImages(all[0]!) : 0;
  const out: ImageVerdict[] = [];
  for (let b = 0; b < B; b++) {
    const wDetected = watermark ? Number(at(watermark, 'detected', b)) === 1 : false;
    const wP = watermark ? Number(at(watermark, 'pValue', b)) : NaN;
    const payload = watermark ? String(at(watermark, 'payload', b) ?? '') : '';
    if (wDetected) {
      out.push({ verdict: 'watermarked', statement: `watermarked with key ${opts.keyName} (p = ${fmt(wP)}${payload ? `, payload ${payload}` : ''})`, pValue: wP, evidence: 'watermark', payload });
      continue;
    }
    let best = { p: Infinity, name: '' };
    for (const r of passive) {
      const p = Number(at(r, 'pValue', b));
      if (p < best.p) best = { p, name: String(r.detector ?? 'detector') };
    }
    const corrected = Math.min(1, best.p * passive.length);
    if (passive.length && corrected <= opts.fpr) {
      out.push({ verdict: 'generated', statement: `likely generated (p = ${fmt(corrected)}, detector ${best.name})`, pValue: corrected, evidence: best.name, payload: '' });
      continue;
    }
    const looked = [...(watermark ? [`watermark p = ${fmt(wP)}`] : []), ...(passive.length ? [`best detector p = ${fmt(corrected)} (${best.name})`] : [])];
    out.push({ verdict: 'no evidence', statement: `no evidence (${looked.join('; ')})`, pValue: Math.min(Number.isNaN(wP) ? 1 : wP, passive.length ? corrected : 1), evidence: '', payload: '' });
  }
  return out;
}
