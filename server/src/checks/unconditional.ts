import { findTarget } from '../knowledge';
import { ListingRule } from '../model/listingRule';
import type { Rule } from '../model/types';

/** Matches that never reject a packet. */
const NEUTRAL = new Set(['comment']);

/** Whether a rule matches every packet (only comments or nothing before its target). */
export function matchesEverything(rule: Rule): boolean {
  // A listing row's columns come first in its matches: one of them is enough to tell, without reading the row's text.
  if (rule instanceof ListingRule && rule.hasColumnMatch()) return false;
  for (const m of rule.matches) if (m.negated || !NEUTRAL.has(m.module)) return false;
  return true;
}

/** Whether a packet that matches this rule never reaches the next rule of the chain. */
export function endsChain(rule: Rule): boolean {
  const t = rule.target;
  if (!t) return false;
  switch (t.kind) {
    case 'accept': case 'drop': case 'reject': case 'return': case 'goto': case 'queue':
      return true;
    case 'extension':
      return findTarget(t.name)?.terminating === true;
    default:
      return false;
  }
}
