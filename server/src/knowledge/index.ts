/**
 * The knowledge table: one place that says what iptables means. Hover,
 * completion, diagnostics and the trace read it through these functions.
 */
import { MATCH_LIST } from './matches';
import { HOOK_LIST, POLICY_LIST, POLICY_SUMMARY, TABLE_LIST } from './tables';
import { TARGET_LIST } from './targets';
import type { ExtensionInfo, HookInfo, MatchInfo, OptionInfo, TableInfo, TargetInfo } from './types';
import { keyed } from '../model/keyed';

export type { ExtensionInfo, HookInfo, MatchInfo, OptionInfo, TableInfo, TargetInfo } from './types';

export const MATCHES: readonly MatchInfo[] = MATCH_LIST;
export const TARGETS: readonly TargetInfo[] = TARGET_LIST;
export const TABLES: readonly TableInfo[] = TABLE_LIST;
export const HOOKS: readonly HookInfo[] = HOOK_LIST;
/** Policies a built-in chain may have: ACCEPT and DROP. A fresh table starts with ACCEPT. */
export const BUILTIN_POLICIES: readonly string[] = POLICY_LIST;
export { POLICY_SUMMARY };

const matchesByName = new Map(MATCH_LIST.map((m) => [m.name, m]));
const targetsByName = new Map(TARGET_LIST.map((t) => [t.name, t]));
const tablesByName = new Map(TABLE_LIST.map((t) => [t.name, t]));
const hooksByName = new Map(HOOK_LIST.map((h) => [h.name, h]));

/** Match modules iptables accepts under another name. */
const MATCH_ALIASES: Record<string, string> = keyed({ icmpv6: 'icmp6', 'ipv6-icmp': 'icmp6', NFLOG: 'nflog' });

/** The match extension of this name (`-m NAME`, or a generic module such as `source`), case-sensitive as iptables is. */
export function findMatch(name: string): MatchInfo | undefined {
  return matchesByName.get(name) ?? matchesByName.get(MATCH_ALIASES[name] ?? '');
}

/** The target extension or standard verdict of this name (`-j NAME`). */
export function findTarget(name: string): TargetInfo | undefined {
  return targetsByName.get(name);
}

/** A table by name (raw, mangle, nat, filter, security). */
export function findTable(name: string): TableInfo | undefined {
  return tablesByName.get(name);
}

/** A hook (built-in chain name) by name. */
export function findHook(name: string): HookInfo | undefined {
  return hooksByName.get(name);
}

/**
 * An option of a match or target by the name as written, without dashes;
 * aliases resolve to their canonical option (`destination-port` → `dport`).
 * iptables also accepts any unambiguous prefix of a long option; a unique
 * prefix resolves here too.
 */
export function findOption(info: ExtensionInfo, optionName: string): OptionInfo | undefined {
  const exact = info.options.find((o) => o.name === optionName || o.aliases?.includes(optionName));
  if (exact) return exact;
  if (optionName.length < 3) return undefined;
  const prefixed = info.options.filter((o) => o.name.startsWith(optionName) || o.aliases?.some((a) => a.startsWith(optionName)));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Whether an extension may be used in this table (all tables when it names none). */
export function allowedInTable(info: ExtensionInfo, table: string): boolean {
  return !info.tables || info.tables.includes(table);
}

/** Whether an extension may be used from this built-in chain (all when it names no hooks). */
export function allowedInHook(info: ExtensionInfo, hook: string): boolean {
  return !info.hooks || info.hooks.includes(hook);
}

/** The closed value set of an option for a family, if it has one. */
export function valuesFor(option: OptionInfo, family: 'ipv4' | 'ipv6'): string[] | undefined {
  return option.valuesByFamily?.[family] ?? option.values;
}
