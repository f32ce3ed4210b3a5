/**
 * Seeded random numbers that match NumPy's legacy `np.random.RandomState` bit for bit,
 * and parsing of seed lists such as `0-7,42`.
 */

export { MT19937, MAX_SEED, isValidSeed } from './mt19937.js';
export { RandomState, randn } from './random-state.js';
export { libmLog } from './log.js';
export { parseSeedList, formatSeedList, MAX_SEED_LIST_LENGTH } from './seed-list.js';
