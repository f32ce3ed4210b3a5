/** Param schemas plugins share. */
import { z } from 'zod';

/**
 * A file name inside the run's output folder: relative, no "..", ending in `.ext`. Hosts refuse
 * writes outside the output folder anyway; this makes the mistake a check-time diagnostic.
 */
export const outputPath = (ext: string) =>
  z
    .string()
    .regex(new RegExp(`^[^/\\\\][^\\\\]*\\.${ext}$`), `a relative path ending in .${ext}`)
    .refine((p) => !p.split('/').includes('..'), 'may not contain ".."');
