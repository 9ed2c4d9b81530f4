import type { Analysis } from '../model/analysis';
import type { Option, Problem, Rule } from '../model/types';
import { restrictedExtensions, restrictedLabel, restrictedSpan, type Restricted } from './restricted';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export { tableKnown } from './rules';

export const TARGET_WRONG_TABLE = 'target-wrong-table';

/** DNAT in filter, CT outside raw…: the kernel refuses the rule itself ("only valid in nat table"). */
export function targetWrongTable(ext: Restricted, table: { name: string }): Problem {
  return {
    span: restrictedSpan(ext), severity: 'error', code: TARGET_WRONG_TABLE,
    message: `${restrictedLabel(ext)} is only valid in the ${ext.info.tables!.join('/')} table${ext.info.tables!.length > 1 ? 's' : ''}, not ${table.name}: the kernel refuses this rule.`,
    data: { phase: 'kernel', tables: ext.info.tables },
  };
}

/** An option only some tables allow (SET --map-set outside mangle): the kernel refuses the rule. */
export function optionWrongTable(option: Option, tables: string[], table: { name: string }): Problem {
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

export const ruleTargetWrongTable: RuleCheck = (rule, options, scope, out) => {
  if (!scope.tableKnown) return;
  const table = scope.table;
  if (table === 'nat' && rule.target?.kind === 'drop') out.push(dropInNat(rule));
  const exts = restrictedExtensions(rule, scope.family);
  if (exts) {
    for (const ext of exts) {
      if (ext.info.tables && !ext.info.tables.includes(table)) out.push(targetWrongTable(ext, { name: table }));
    }
  }
  for (const r of options) {
    const only = r.optionInfo?.tables;
    if (only && !only.includes(table)) out.push(optionWrongTable(r.option, only, { name: table }));
  }
};

export function checkTargetWrongTable(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleTargetWrongTable);
}
