import { PROTOCOL_MODULE } from '../model/parseRuleArgs';
import { findMatch, findOption, findTarget, type ExtensionInfo, type OptionInfo } from '../knowledge';
import type { Family, Match, Option, Rule } from '../model/types';

/** One option of a rule with the extension that owns it, as iptables would resolve it. */
export interface ResolvedOption {
  option: Option;
  /** The match or target the option was written under (null when the parser found none). */
  owner: Match | 'target';
  /** The extension that defines the option, if any does. */
  info: ExtensionInfo | undefined;
  /** The option's record in that extension. */
  optionInfo: OptionInfo | undefined;
}

/** The protocol a rule names with `-p` (not negated), lower-cased. */
export function ruleProtocol(rule: Rule): string | null {
  const p = rule.matches.find((m) => m.module === 'protocol');
  const v = p?.options[0]?.value;
  return v && !p!.negated ? v.toLowerCase() : null;
}

/**
 * The extensions loaded by a rule: its matches (known to the knowledge table),
 * the match its `-p` protocol loads on demand, and its target.
 */
export function loadedExtensions(rule: Rule, family: Family): ExtensionInfo[] {
  const out: ExtensionInfo[] = [];
  for (const m of rule.matches) {
    const info = findMatch(m.module);
    if (info && (!info.families || info.families.includes(family))) out.push(info);
  }
  const proto = ruleProtocol(rule);
  const implied = proto ? PROTOCOL_MODULE[proto] : undefined;
  if (implied) {
    const info = findMatch(implied);
    if (info && !out.includes(info) && (!info.families || info.families.includes(family))) out.push(info);
  }
  if (rule.target && rule.target.kind === 'extension' || rule.target?.kind === 'accept' || rule.target?.kind === 'drop'
    || rule.target?.kind === 'reject' || rule.target?.kind === 'return' || rule.target?.kind === 'queue') {
    const info = findTarget(rule.target!.name);
    if (info) out.push(info);
  }
  return out;
}

/**
 * Resolves every option of a rule the way iptables does: options of all
 * loaded extensions share one namespace, so an option written after `-m b`
 * may still belong to match a.
 */
export function resolveOptions(rule: Rule, family: Family): ResolvedOption[] {
  // Several checks ask for the same rule; resolve it once per document.
  const hit = resolved.get(rule);
  if (hit && hit.family === family) return hit.options;
  const options = resolveUncached(rule, family);
  resolved.set(rule, { family, options });
  return options;
}

const resolved = new WeakMap<Rule, { family: Family; options: ResolvedOption[] }>();

function resolveUncached(rule: Rule, family: Family): ResolvedOption[] {
  const loaded = loadedExtensions(rule, family);
  const out: ResolvedOption[] = [];
  const resolve = (option: Option, owner: Match | 'target', own: ExtensionInfo | undefined) => {
    let info = own;
    let optionInfo = own ? findOption(own, option.name) : undefined;
    if (!optionInfo) {
      for (const other of loaded) {
        const o = findOption(other, option.name);
        if (o) {
          info = other;
          optionInfo = o;
          break;
        }
      }
    }
    out.push({ option, owner, info, optionInfo });
  };
  for (const m of rule.matches) {
    if (GENERIC_MODULES.has(m.module)) continue;
    const own = findMatch(m.module);
    for (const o of m.options) resolve(o, m, own);
  }
  if (rule.target) {
    const own = findTarget(rule.target.name);
    for (const o of rule.target.options) resolve(o, 'target', own);
  }
  return out;
}

/** Matches the model makes from generic options (-s, -d, -i, -o, -p, -f); their options are their values. */
export const GENERIC_MODULES: ReadonlySet<string> = new Set(['source', 'destination', 'in-interface', 'out-interface', 'protocol', 'fragment']);
