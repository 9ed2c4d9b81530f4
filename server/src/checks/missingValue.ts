import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const MISSING_VALUE = 'missing-value';

/** An option that takes a value written without one. */
export function missingValue(option: Option, syntax: string | undefined): Problem {
  return {
    span: option.nameSpan, severity: 'error', code: MISSING_VALUE,
    message: `Option --${option.name} needs a value${syntax ? ` (${syntax})` : ''}.`,
    data: { phase: 'parse' },
  };
}

export const ruleMissingValue: RuleCheck = (_rule, options, _scope, out) => {
  for (const r of options) {
    const o = r.optionInfo;
    if (!o) continue;
    const need = o.arity === 'one' ? 1 : o.arity === 'two' ? 2 : 0;
    if (r.option.values.length < need) out.push(missingValue(r.option, o.syntax));
  }
};

export function checkMissingValue(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleMissingValue);
}
