import type { Analysis } from '../model/analysis';
import type { Option, Problem, Rule, Table } from '../model/types';
import { resolveOptions } from './extensions';
import { restrictedExtensions, type Restricted } from './restricted';
import { allRules } from './rules';

export const TARGET_WRONG_TABLE = 'target-wrong-table';

/**
 * Whether the dump says which table this is (`*nat`, or a pasted `-t nat`
 * command); an `iptables -S` dump whose table was only guessed from its
 * chains is not judged by table.
 */
export function tableKnown(table: Table): boolean {
  return table.nameSpan !== null || table.tableSource === 'command';
}

/** DNAT in filter, CT outside raw…: the kernel refuses the rule itself ("only valid in nat table"). */
export function targetWrongTable(ext: Restricted, table: Table): Problem {
  return {
    span: ext.span, severity: 'error', code: TARGET_WRONG_TABLE,
    message: `${ext.label} is only valid in the ${ext.info.tables!.join('/')} table${ext.info.tables!.length > 1 ? 's' : ''}, not ${table.name}: the kernel refuses this rule.`,
    data: { phase: 'kernel', tables: ext.info.tables },
  };
}

/** An option only some tables allow (SET --map-set outside mangle): the kernel refuses the rule. */
export function optionWrongTable(option: Option, tables: string[], table: Table): Problem {
  return {
    span: option.span, severity: 'error', code: TARGET_WRONG_TABLE,
    message: `--${option.name} is only valid in the ${tables.join('/')} table, not ${table.name}: the kernel refuses this rule.`,
    data: { phase: 'kernel', tables },
  };
}

/** `-j DROP` in nat: iptables itself refuses it ("the nat table is not intended for filtering"). */
export function dropInNat(rule: Rule): Problem {
  return {
    span: rule.target!.nameSpan, severity: 'error', code: TARGET_WRONG_TABLE,
    message: 'DROP cannot be used in the nat table, which is not meant for filtering: iptables refuses the rule. Drop in filter (or raw/mangle) instead.',
    data: { phase: 'parse' },
  };
}

export function checkTargetWrongTable(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { table, rule } of allRules(analysis)) {
    if (!tableKnown(table)) continue;
    if (table.name === 'nat' && rule.target?.kind === 'drop') out.push(dropInNat(rule));
    for (const ext of restrictedExtensions(rule, analysis.ruleset.family)) {
      if (ext.info.tables && !ext.info.tables.includes(table.name)) out.push(targetWrongTable(ext, table));
    }
    for (const r of resolveOptions(rule, analysis.ruleset.family)) {
      const only = r.optionInfo?.tables;
      if (only && !only.includes(table.name)) out.push(optionWrongTable(r.option, only, table));
    }
  }
  return out;
}
