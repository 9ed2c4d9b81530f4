import { findMatch, findTarget, type ExtensionInfo } from '../knowledge';
import type { Family, Rule, Span } from '../model/types';
import { GENERIC_MODULES } from './extensions';

/** A match or target of a rule that the kernel accepts only in some tables or hooks. */
export interface Restricted {
  info: ExtensionInfo;
  /** What to underline: the target name or the `-m` module name. */
  span: Span;
  /** "target DNAT" or "match owner", for messages. */
  label: string;
}

/** The extensions of a rule with table or hook restrictions (-i/-o are left to their own check). */
export function restrictedExtensions(rule: Rule, family: Family): Restricted[] {
  const out: Restricted[] = [];
  for (const m of rule.matches) {
    if (GENERIC_MODULES.has(m.module)) continue;
    const info = findMatch(m.module);
    if (!info || (info.families && !info.families.includes(family))) continue;
    // Span and label are built only for the few that are reported.
    if (info.tables || info.hooks) out.push({ info, get span() { return m.moduleSpan ?? m.span; }, get label() { return `match ${m.module}`; } });
  }
  const t = rule.target;
  if (t && t.kind !== 'jump' && t.kind !== 'goto') {
    const info = findTarget(t.name);
    if (info && (info.tables || info.hooks)) out.push({ info, get span() { return t.nameSpan; }, label: t.name });
  }
  return out;
}
