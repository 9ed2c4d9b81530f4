import type { Analysis } from '../model/analysis';
import type { Problem, Table } from '../model/types';
import { restrictedExtensions, type Restricted } from './restricted';
import { allRules } from './rules';

export const TARGET_WRONG_TABLE = 'target-wrong-table';

/** DNAT in filter, CT outside raw…: the kernel refuses the rule itself ("only valid in nat table"). */
export function targetWrongTable(ext: Restricted, table: Table): Problem {
  return {
    span: ext.span, severity: 'error', code: TARGET_WRONG_TABLE,
    message: `${ext.label} is only valid in the ${ext.info.tables!.join('/')} table${ext.info.tables!.length > 1 ? 's' : ''}, not ${table.name}: the kernel refuses this rule.`,
    data: { phase: 'kernel', tables: ext.info.tables },
  };
}

export function checkTargetWrongTable(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { table, rule } of allRules(analysis)) {
    for (const ext of restrictedExtensions(rule, analysis.ruleset.family)) {
      if (ext.info.tables && !ext.info.tables.includes(table.name)) out.push(targetWrongTable(ext, table));
    }
  }
  return out;
}
