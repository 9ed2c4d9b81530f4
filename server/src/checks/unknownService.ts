import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { resolveOptions } from './extensions';
import { allRules } from './rules';
import { SERVICE_NAMES } from './serviceNames';

export const UNKNOWN_SERVICE = 'unknown-service';

/**
 * A port written as a name that is not a standard service: iptables looks it
 * up in the loading machine's /etc/services and refuses the rule when it is
 * not there ("invalid port/service"). Only that machine can tell.
 */
export function unknownService(option: Option, name: string): Problem {
  return {
    span: option.valueSpan ?? option.span, severity: 'warning', code: UNKNOWN_SERVICE,
    message: `"${name}" is not a standard service name: iptables-restore refuses the rule unless /etc/services on the loading machine defines it. Write the port number.`,
    data: { phase: 'parse', environment: true },
  };
}

export function checkUnknownService(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { rule } of allRules(analysis)) {
    for (const r of resolveOptions(rule, analysis.ruleset.family)) {
      const kind = r.optionInfo?.valueKind;
      if (kind !== 'port' && kind !== 'portRange' && kind !== 'portList') continue;
      const names = r.option.values.slice(0, 1).flatMap((v) => v.split(/[,:]/)).filter((p) => /^[A-Za-z]/.test(p));
      const unknown = names.find((n) => !SERVICE_NAMES.has(n));
      if (unknown) out.push(unknownService(r.option, unknown));
    }
  }
  return out;
}
