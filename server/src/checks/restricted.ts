import { findMatch, findTarget, type ExtensionInfo } from '../knowledge';
import type { Family, Match, Rule, Span, Target } from '../model/types';
import { GENERIC_MODULES } from './extensions';

/** A match or target of a rule that the kernel accepts only in some tables or hooks. */
export interface Restricted {
  info: ExtensionInfo;
  /** The match, or null for the target. */
  match: Match | null;
  target: Target | null;
}

/** What to underline: the `-m` module name or the target name. */
export function restrictedSpan(ext: Restricted): Span {
  return ext.match ? ext.match.moduleSpan ?? ext.match.span : ext.target!.nameSpan;
}

/** "match owner" or "DNAT", for messages. */
export function restrictedLabel(ext: Restricted): string {
  return ext.match ? `match ${ext.match.module}` : ext.target!.name;
}

/**
 * The extensions of a rule with table or hook restrictions (-i/-o are left to
 * their own check); null when there are none. Several checks ask in a row
 * about the same rule, so the last answer is kept.
 */
export function restrictedExtensions(rule: Rule, family: Family): Restricted[] | null {
  if (rule === last.rule && family === last.family) return last.found;
  const found = findRestricted(rule, family);
  last = { rule, family, found };
  return found;
}

let last: { rule: Rule | null; family: Family; found: Restricted[] | null } = { rule: null, family: 'ipv4', found: null };

/** Lets go of the last rule asked about (it holds its document's text). */
export function forgetRestricted(): void {
  last = { rule: null, family: 'ipv4', found: null };
}

function findRestricted(rule: Rule, family: Family): Restricted[] | null {
  let out: Restricted[] | null = null;
  for (const m of rule.matches) {
    if (GENERIC_MODULES.has(m.module)) continue;
    const info = findMatch(m.module);
    if (!info || (info.families && !info.families.includes(family))) continue;
    if (info.tables || info.hooks) (out ??= []).push({ info, match: m, target: null });
  }
  const t = rule.target;
  if (t && t.kind !== 'jump' && t.kind !== 'goto') {
    const info = findTarget(t.name);
    if (info && (info.tables || info.hooks)) (out ??= []).push({ info, match: null, target: t });
  }
  return out;
}
