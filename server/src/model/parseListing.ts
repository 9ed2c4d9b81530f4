import type { Ruleset } from './types';

/** Placeholder until the listing parser lands: parses `iptables -L` output. */
export function parseListing(text: string): Ruleset {
  return { family: 'ipv4', format: 'listing', tables: [], problems: [], lineCount: text.split('\n').length };
}
