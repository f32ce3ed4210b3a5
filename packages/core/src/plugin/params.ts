/** Param schemas plugins share. */
import { z } from 'zod';
import { parseSeedList } from '../rng/seed-list.js';
import './param-meta.js';

/**
 * A file name inside the run's output folder: relative, no "..", ending in `.ext`. Hosts refuse
 * writes outside the output folder anyway; this makes the mistake a check-time diagnostic.
 */
export const outputPath = (ext: string) =>
  z
    .string()
    .regex(new RegExp(`^[^/\\\\][^\\\\]*\\.${ext}$`), `a relative path ending in .${ext}`)
    .refine((p) => !p.split('/').includes('..'), 'may not contain ".."');

/**
 * A seed list param (`"0-7,42,6600"`, see `parseSeedList`): a malformed list, a seed outside
 * 0…2³²−1 or one over the length limit is a PARAM_INVALID diagnostic at check time.
 */
export const seedListParam = (defaultSeeds: string, description = 'Seeds, e.g. "0-7,42,6600".') =>
  z
    .string()
    .default(defaultSeeds)
    .superRefine((s, ctx) => {
      try {
        parseSeedList(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    })
    .describe(description)
    .meta({ widget: 'seeds' });
