import type { ExtensionInfo, OptionInfo } from '../knowledge';
import type { Analysis } from '../model/analysis';
import type { Match, Option, Problem } from '../model/types';
import { resolveOptions } from './extensions';
import { allRules } from './rules';

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
const GENERIC_FLAGS: Record<string, string> = {
  source: '-s', destination: '-d', 'in-interface': '-i', 'out-interface': '-o', protocol: '-p', fragment: '-f',
};

/** `-s a -s b`: a generic option given twice. */
export function duplicateGeneric(match: Match): Problem {
  const flag = GENERIC_FLAGS[match.module];
  return {
    span: match.options[0]?.nameSpan ?? match.span, severity: 'error', code: DUPLICATE_OPTION,
    message: `${flag} is given twice: iptables allows it once per rule${flag === '-s' || flag === '-d' ? ' (write several addresses as a comma list)' : ''}.`,
    data: { phase: 'parse' },
  };
}

export function checkDuplicateOption(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { rule } of allRules(analysis)) {
    const generic = new Set<string>();
    for (const m of rule.matches) {
      if (!GENERIC_FLAGS[m.module]) continue;
      if (generic.has(m.module)) out.push(duplicateGeneric(m));
      generic.add(m.module);
    }
    // A module written twice (`-m tcp … -m tcp …`) is two instances; leave those alone.
    const modules = rule.matches.map((m) => m.module);
    if (new Set(modules).size !== modules.length) continue;
    // `-m policy … --next …` starts another element with the same options.
    if (modules.includes('policy')) continue;
    const seen = new Map<ExtensionInfo, Map<OptionInfo, Option>>();
    for (const r of resolveOptions(rule, analysis.ruleset.family)) {
      if (!r.info || !r.optionInfo) continue;
      let byOption = seen.get(r.info);
      if (!byOption) seen.set(r.info, (byOption = new Map()));
      const first = byOption.get(r.optionInfo);
      if (first) out.push(duplicateOption(r.option, first));
      else byOption.set(r.optionInfo, r.option);
    }
  }
  return out;
}
