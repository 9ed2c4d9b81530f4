import type { Analysis } from '../model/analysis';
import type { Match, Option, Problem } from '../model/types';
import type { ResolvedOption } from './extensions';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';
import { keyed } from '../model/keyed';

export const DUPLICATE_OPTION = 'duplicate-option';

/** The same option twice for one match or target: iptables allows each once ("Only one `--dport' allowed"). */
export function duplicateOption(option: Option, first: Option): Problem {
  return {
    span: option.nameSpan, severity: 'error', code: DUPLICATE_OPTION,
    message: `--${option.name} is given twice for the same extension (first at column ${first.nameSpan.start + 1}): iptables allows it once.`,
    data: { phase: 'parse' },
  };
}

/** Generic options and the flag iptables names when one is given twice ("multiple -s flags not allowed"). */
const GENERIC_FLAGS: Record<string, string> = keyed({
  source: '-s', destination: '-d', 'in-interface': '-i', 'out-interface': '-o', protocol: '-p', fragment: '-f',
});

/** `-s a -s b`: a generic option given twice. */
export function duplicateGeneric(match: Match): Problem {
  const flag = GENERIC_FLAGS[match.module];
  return {
    span: match.options[0]?.nameSpan ?? match.span, severity: 'error', code: DUPLICATE_OPTION,
    message: `${flag} is given twice: iptables allows it once per rule${flag === '-s' || flag === '-d' ? ' (write several addresses as a comma list)' : ''}.`,
    data: { phase: 'parse' },
  };
}

export const ruleDuplicateOption: RuleCheck = (rule, options, _scope, out) => {
  const matches = rule.matches;
  let generic = 0;
  for (const m of matches) {
    const bit = GENERIC_BITS[m.module];
    if (!bit) continue;
    if (generic & bit) out.push(duplicateGeneric(m));
    generic |= bit;
  }
  // A module written twice (`-m tcp … -m tcp …`) is two instances; leave those alone.
  for (let i = 1; i < matches.length; i++) {
    for (let j = 0; j < i; j++) if (matches[i].module === matches[j].module) return;
  }
  // `-m policy … --next …` starts another element with the same options.
  for (const m of matches) if (m.module === 'policy') return;
  // Rules have a handful of options: compare each with the earlier ones of the same extension.
  for (let i = 1; i < options.length; i++) {
    const r = options[i];
    if (!r.info || !r.optionInfo) continue;
    for (let j = 0; j < i; j++) {
      const q = options[j];
      if (q.info === r.info && q.optionInfo === r.optionInfo) {
        out.push(duplicateOption(r.option, firstOf(options, j)));
        break;
      }
    }
  }
};

/** The first option resolved like options[j] (the one a later duplicate is compared with). */
function firstOf(options: readonly ResolvedOption[], j: number): Option {
  for (let k = 0; k < j; k++) if (options[k].info === options[j].info && options[k].optionInfo === options[j].optionInfo) return options[k].option;
  return options[j].option;
}

/** One bit per generic option, to notice the second of a kind without a set per rule. */
const GENERIC_BITS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  source: 1, destination: 2, 'in-interface': 4, 'out-interface': 8, protocol: 16, fragment: 32,
});

export function checkDuplicateOption(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleDuplicateOption);
}
