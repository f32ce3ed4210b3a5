/** A detector given by its card: the card, and its ONNX model as a tile scorer on the host's compute. */
import { tensor, type FileAccess } from '@stylegraph/core';
import type { Compute, Session, SessionOptions } from '@stylegraph/ops-gpu';
import { parseCard, type Card } from './card.js';
import { spectralFeatures, NUM_FEATURES } from './spectral.js';
import type { TileScorer } from './score.js';
import { TILE } from './tiles.js';

export interface CardDetector {
  readonly card: Card;
  readonly scoreTiles: TileScorer;
}

const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '');

/** The first output of a session as a flat score per row. */
async function runScores(session: Session, feeds: Record<string, ReturnType<typeof tensor<'float32'>>>): Promise<ArrayLike<number>> {
  const out = await session.run(feeds);
  return out[session.outputNames[0]!]!.data as Float32Array;
}

export function tileScorer(card: Card, session: Session): TileScorer {
  const input = session.inputNames[0]!;
  if (card.kind === 'spectral') return async (t, T) => runScores(session, { [input]: tensor('float32', [T, NUM_FEATURES], spectralFeatures(t, T)) });
  return async (t, T) => runScores(session, { [input]: tensor('float32', [T, 3, TILE, TILE], t) });
}

export async function loadCardDetector(files: Pick<FileAccess, 'read'>, cardPath: string, compute: Compute, opts?: SessionOptions): Promise<CardDetector> {
  const card = parseCard(new TextDecoder().decode(await files.read(cardPath)), cardPath);
  if (card.kind === 'discriminator') throw new Error(`${cardPath} calibrates a discriminator: use it with detect/Discriminator`);
  if (card.model.includes('..') || card.model.startsWith('/')) throw new Error(`${cardPath}: model "${card.model}" must be a file beside the card`);
  const bytes = await files.read(folderOf(cardPath) + card.model);
  const session = await compute.session(bytes, opts);
  return { card, scoreTiles: tileScorer(card, session) };
}
