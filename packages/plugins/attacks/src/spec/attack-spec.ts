/**
 * An attack as data: `{ "attack": "jpeg", "quality": 50 }` — the steps of attack/Chain, and
 * what programmatic callers (a benchmark) pass to applyAttack. Strict: an unknown key (a typo
 * such as "qualty") is an error, not silently ignored.
 */
import { NodeError, z } from '@stylegraph/core';
import { ATTACK_PARAMS } from './params.js';

const step = <K extends keyof typeof ATTACK_PARAMS>(attack: K) => z.strictObject({ attack: z.literal(attack), ...ATTACK_PARAMS[attack] });

export const AttackSpecSchema = z.discriminatedUnion('attack', [
  step('jpeg'),
  step('webp'),
  step('resize'),
  step('crop'),
  step('rotate'),
  step('brightness'),
  step('contrast'),
  step('blur'),
  step('noise'),
]);

/** Longest chain attack/Chain and applyAttacks accept. */
export const MAX_CHAIN_STEPS = 64;
export const AttackChainSchema = z.array(AttackSpecSchema).max(MAX_CHAIN_STEPS);

/** An attack with every param filled in (what parsing gives). */
export type AttackSpec = z.output<typeof AttackSpecSchema>;
/** An attack as written: params with defaults may be left out. */
export type AttackSpecInput = z.input<typeof AttackSpecSchema>;

function parsed<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new NodeError('PARAM_INVALID', `${what} is not JSON: ${(e as Error).message}`);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new NodeError('PARAM_INVALID', `invalid ${what}: ${z.prettifyError(result.error).replace(/\n/g, '; ')}`);
  return result.data;
}

/** One attack from JSON text or a parsed value, checked, with defaults filled in; a NodeError PARAM_INVALID otherwise. */
export const parseAttackSpec = (json: unknown): AttackSpec => parsed(AttackSpecSchema, json, 'attack spec');

/** A list of attacks (a chain) from JSON text or a parsed array. */
export const parseAttackChain = (json: unknown): AttackSpec[] => parsed(AttackChainSchema, json, 'attack chain');
