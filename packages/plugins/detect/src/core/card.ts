/**
 * Detector cards: the JSON file beside a detector's ONNX model — what the model takes, how its
 * scores are calibrated (Platt a, b; the real calibration scores; the threshold table for FPR
 * 0.1 %, 1 %, 5 %), and what it was trained and measured on.
 */
import { z } from '@stylegraph/core';
import type { Calibration } from './calibration.js';

const finite = z.number().finite();

export const CardSchema = z.object({
  format: z.literal('stylegraph.detector'),
  formatVersion: z.literal(1),
  name: z.string().min(1).max(200),
  version: z.string().min(1).max(50),
  /**
   * spectral: the model maps 96 spectral features to a score; image: the model maps [T, 3, 64, 64]
   * tiles in −1…1 to a score; discriminator: the calibration of a StyleGAN model's discriminator.
   */
  kind: z.enum(['spectral', 'image', 'discriminator']),
  /** The ONNX file, relative to the card (discriminator: the model's name). */
  model: z.string().min(1).max(500),
  /** discriminator: the content hash of the model folder it was calibrated for. */
  modelHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  tile: z.literal(64),
  calibration: z.object({
    method: z.literal('platt'),
    a: finite,
    b: finite,
    fittedOn: z.string().max(2000).optional(),
    realScores: z.array(finite).min(20).max(100_000),
  }),
  thresholds: z.array(z.object({ fpr: z.number().min(0).max(1), threshold: finite })).max(100),
  metrics: z.record(z.string(), z.unknown()).optional(),
  training: z.record(z.string(), z.unknown()).optional(),
}).passthrough();

export type Card = z.infer<typeof CardSchema>;

export function cardCalibration(card: Card): Calibration {
  return { realScores: Float64Array.from(card.calibration.realScores).sort(), platt: { a: card.calibration.a, b: card.calibration.b } };
}

/** Parses card JSON; the error names the file and the first bad field. */
export function parseCard(text: string, file: string): Card {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const r = CardSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${file}: not a detector card: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}
