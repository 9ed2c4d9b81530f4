import type { Analysis } from '../model/analysis';
import type { Problem, Rule, Table } from '../model/types';

export const TRUNCATED_LISTING = 'truncated-listing';

/**
 * In a listing (`iptables -L`, or `iptables -S`), a target names a chain the
 * paste does not show. A listing is a partial view, so this is a warning, never a load error.
 */
export function truncatedListing(rule: Rule, table: Table): Problem {
  const name = rule.target!.name;
  return {
    span: rule.target!.nameSpan, severity: 'warning', code: TRUNCATED_LISTING,
    message: `Chain ${name} is not in this listing (table ${table.name}): the paste seems cut short, so what happens inside ${name} is unknown.`,
    data: { chain: name, table: table.name },
  };
}

export function checkTruncatedListing(analysis: Analysis): Problem[] {
  const listing = analysis.ruleset.format === 'listing';
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    // Listings, and `iptables -S` output (save syntax without a `*table` line).
    if (!listing && table.nameSpan) continue;
    for (const rule of analysis.graphOf(table).dangling) out.push(truncatedListing(rule, table));
  }
  return out;
}
