/** `detect/Verdict`: the watermark's report and the passive detectors' reports as one statement per image. */
import { NodeError, defineNode, z, type Report } from '@stylegraph/core';
import { reportImages, verdicts } from '../core/verdict.js';

const reportIn = (description: string) => ({ type: 'Report', optional: true, description }) as const;

export const Verdict = defineNode({
  type: 'detect/Verdict',
  version: 1,
  title: 'Verdict',
  category: 'Detect',
  description: 'One statement per image: "watermarked with key K (p = …)", "likely generated (p = …, detector …)" or "no evidence", with the numbers behind it.',
  inputs: {
    watermark: reportIn('Report of watermark/Decode or watermark/Verify.'),
    passive: reportIn('Report of a detect/* detector.'),
    passive2: reportIn('Report of another detector.'),
    passive3: reportIn('Report of a third detector.'),
  },
  outputs: { report: { type: 'Report' } },
  params: z.object({
    fpr: z.number().min(1e-6).max(0.5).default(0.01).describe('Passive evidence counts when the smallest detector p-value, times the number of detectors, is at most this.'),
    keyName: z.string().min(1).max(100).default('K').describe('How the statement names the watermark key (the report never holds the key).'),
  }),
  purity: 'pure',
  run: async ({ inputs, params }) => {
    const passive = [inputs.passive, inputs.passive2, inputs.passive3].filter((r): r is Report => r !== undefined);
    const given = [...(inputs.watermark ? [['watermark', inputs.watermark] as const] : []), ...passive.map((r, i) => [`passive${i ? i + 1 : ''}`, r] as const)];
    if (!given.length) throw new NodeError('INPUT_MISSING', 'detect/Verdict: connect a watermark report and/or at least one detector report');
    const B = reportImages(given[0]![1]);
    for (const [name, r] of given) {
      if (reportImages(r) !== B) throw new NodeError('INPUT_INVALID', `detect/Verdict: "${name}" describes ${reportImages(r)} image(s) but "${given[0]![0]}" describes ${B}`);
      const need = name === 'watermark' ? ['detected', 'pValue'] : ['pValue'];
      for (const k of need) if (!(k in r) && !(`${k}.0` in r)) throw new NodeError('INPUT_INVALID', `detect/Verdict: "${name}" has no "${k}" (is it a ${name === 'watermark' ? 'watermark/Decode or Verify' : 'detect/*'} report? a prefixed report cannot be read)`);
    }
    const v = verdicts(inputs.watermark, passive, params);
    const out: Record<string, number | string> = {};
    const one = B === 1;
    v.forEach((x, b) => {
      const s = one ? '' : `.${b}`;
      out[`verdict${s}`] = x.verdict;
      out[`statement${s}`] = x.statement;
      out[`pValue${s}`] = x.pValue;
      out[`evidence${s}`] = x.evidence;
      if (x.payload) out[`payload${s}`] = x.payload;
    });
    if (!one) {
      out.images = B;
      out.watermarked = v.filter((x) => x.verdict === 'watermarked').length;
      out.generated = v.filter((x) => x.verdict === 'generated').length;
      out.noEvidence = v.filter((x) => x.verdict === 'no evidence').length;
    }
    return { report: out };
  },
});
