import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const BAD_NEGATION = 'bad-negation';

/** `! --limit 10/s`: an option that cannot be negated ("option --limit cannot be inverted"). */
export function badNegation(option: Option): Problem {
  return {
    span: option.span, severity: 'error', code: BAD_NEGATION,
    message: `--${option.name} cannot be negated with "!": iptables refuses the rule.`,
    data: { phase: 'parse' },
  };
}

/** Options negated with `!` that iptables does not allow to be (the parser reports `!` in impossible places). */
export const ruleBadNegation: RuleCheck = (_rule, options, _scope, out) => {
  for (const r of options) {
    // A flag followed by `! --next` reads as a negated flag; the `!` may belong to the next option.
    if (r.option.negated && r.optionInfo && !r.optionInfo.negatable && r.optionInfo.arity !== 'none') out.push(badNegation(r.option));
  }
};

export function checkBadNegation(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleBadNegation);
}
