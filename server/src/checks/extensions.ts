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
  for (const m of rule.matches) {
    if (m.module !== 'protocol') continue;
    const v = m.options[0]?.value;
    return v && !m.negated ? v.toLowerCase() : null;
  }
  return null;
}

/**
 * A known extension with the answers for the option names seen so far: every
 * rule of a large dump asks the same few questions. The records are static,
 * so this lives as long as the process, up to a bound per extension.
 */
interface Known {
  info: ExtensionInfo;
  options: Map<string, OptionInfo | null>;
}
const knownMatches = new Map<string, Known | null>();
const knownTargets = new Map<string, Known | null>();
const knownByInfo = new WeakMap<ExtensionInfo, Known>();
const CACHE_LIMIT = 512;

function known(info: ExtensionInfo | undefined): Known | null {
  if (!info) return null;
  let k = knownByInfo.get(info);
  if (!k) knownByInfo.set(info, (k = { info, options: new Map() }));
  return k;
}

/** What the knowledge table says of a name, looked up once per name (up to CACHE_LIMIT names) in `cache`. */
function knownIn(cache: Map<string, Known | null>, name: string, find: (name: string) => ExtensionInfo | undefined): Known | null {
  let k = cache.get(name);
  if (k === undefined) {
    k = known(find(name));
    if (cache.size < CACHE_LIMIT) cache.set(name, k);
  }
  return k;
}

function knownMatch(module: string): Known | null {
  return knownIn(knownMatches, module, findMatch);
}

function knownTarget(name: string): Known | null {
  return knownIn(knownTargets, name, findTarget);
}

function optionIn(k: Known, name: string): OptionInfo | undefined {
  const hit = k.options.get(name);
  if (hit !== undefined) return hit ?? undefined;
  const found = findOption(k.info, name);
  if (k.options.size < CACHE_LIMIT) k.options.set(name, found ?? null);
  return found;
}

/** findOption, remembered per extension and name. */
export function optionOf(info: ExtensionInfo, name: string): OptionInfo | undefined {
  return optionIn(known(info)!, name);
}

function usable(info: ExtensionInfo | undefined, family: Family): info is ExtensionInfo {
  return info !== undefined && (!info.families || info.families.includes(family));
}

/**
 * The extensions loaded by a rule: its matches (known to the knowledge table),
 * the match its `-p` protocol loads on demand, and its target.
 */
export function loadedExtensions(rule: Rule, family: Family): ExtensionInfo[] {
  const out: ExtensionInfo[] = [];
  for (const m of rule.matches) {
    const info = findMatch(m.module);
    if (usable(info, family)) out.push(info);
  }
  const proto = ruleProtocol(rule);
  const implied = proto ? PROTOCOL_MODULE[proto] : undefined;
  if (implied) {
    const info = findMatch(implied);
    if (usable(info, family) && !out.includes(info)) out.push(info);
  }
  const kind = rule.target?.kind;
  if (kind === 'extension' || kind === 'accept' || kind === 'drop' || kind === 'reject' || kind === 'return' || kind === 'queue') {
    const info = findTarget(rule.target!.name);
    if (info) out.push(info);
  }
  return out;
}

/**
 * Resolves every option of a rule the way iptables does: options of all
 * loaded extensions share one namespace, so an option written after `-m b`
 * may still belong to match a. The walk over a document resolves each rule
 * once and hands the result to every rule check.
 */
export function resolveOptions(rule: Rule, family: Family): ResolvedOption[] {
  const out: ResolvedOption[] = [];
  let loaded: ExtensionInfo[] | null = null;
  for (const m of rule.matches) {
    const options = m.options;
    if (!options.length || GENERIC_MODULES.has(m.module)) continue;
    const own = knownMatch(m.module);
    for (const option of options) {
      const optionInfo = own ? optionIn(own, option.name) : undefined;
      if (optionInfo) out.push({ option, owner: m, info: own!.info, optionInfo });
      else out.push(resolveElsewhere(option, m, own, (loaded ??= loadedExtensions(rule, family))));
    }
  }
  const target = rule.target;
  if (target) {
    const options = target.options;
    if (options.length) {
      const own = knownTarget(target.name);
      for (const option of options) {
        const optionInfo = own ? optionIn(own, option.name) : undefined;
        if (optionInfo) out.push({ option, owner: 'target', info: own!.info, optionInfo });
        else out.push(resolveElsewhere(option, 'target', own, (loaded ??= loadedExtensions(rule, family))));
      }
    }
  }
  return out;
}

/** An option its own extension does not define: the first other loaded extension that does. */
function resolveElsewhere(option: Option, owner: Match | 'target', own: Known | null, loaded: ExtensionInfo[]): ResolvedOption {
  for (const other of loaded) {
    const o = optionOf(other, option.name);
    if (o) return { option, owner, info: other, optionInfo: o };
  }
  return { option, owner, info: own?.info, optionInfo: undefined };
}

/** Matches the model makes from generic options (-s, -d, -i, -o, -p, -f); their options are their values. */
export const GENERIC_MODULES: ReadonlySet<string> = new Set(['source', 'destination', 'in-interface', 'out-interface', 'protocol', 'fragment']);
