import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { resolveOptions } from './extensions';
import { allRules } from './rules';

export const MISSING_VALUE = 'missing-value';

/** An option that takes a value written without one. */
export function missingValue(option: Option, syntax: string | undefined): Problem {
  return {
    span: option.nameSpan, severity: 'error', code: MISSING_VALUE,
    message: `Option --${option.name} needs a value${syntax ? ` (${syntax})` : ''}.`,
    data: { phase: 'parse' },
  };
}

export function checkMissingValue(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { rule } of allRules(analysis)) {
    for (const r of resolveOptions(rule, analysis.ruleset.family)) {
      const o = r.optionInfo;
      if (!o) continue;
      const need = o.arity === 'one' ? 1 : o.arity === 'two' ? 2 : 0;
      if (r.option.values.length < need) out.push(missingValue(r.option, o.syntax));
    }
  }
  return out;
}
