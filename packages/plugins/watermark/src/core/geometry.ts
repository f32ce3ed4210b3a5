/** The scale the mark is laid out at: one unit is `unitSize` pixels, so a tile spans T units. */
import { T } from './layout.js';

/** Units per short image side is about this (a tile is T units: a square image holds (UNITS_PER_SIDE / T)² tiles). */
export const UNITS_PER_SIDE = 128;

/** Pixels per unit for an image of H × W pixels (never below 1). */
export const unitSize = (H: number, W: number): number => Math.max(1, Math.min(H, W) / UNITS_PER_SIDE);

/** Tile period in pixels. */
export const tilePeriod = (H: number, W: number): number => T * unitSize(H, W);

/** The decoder looks at images downsampled so that a unit spans about this many pixels. */
export const WORK_UNIT = 2;
