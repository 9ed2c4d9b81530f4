import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';
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

export const ruleUnknownService: RuleCheck = (_rule, options, _scope, out) => {
  for (const r of options) {
    const kind = r.optionInfo?.valueKind;
    if (kind !== 'port' && kind !== 'portRange' && kind !== 'portList') continue;
    const first = r.option.values[0];
    if (first === undefined || !/[A-Za-z]/.test(first)) continue;
    const unknown = first.split(/[,:]/).find((p) => /^[A-Za-z]/.test(p) && !SERVICE_NAMES.has(p));
    if (unknown) out.push(unknownService(r.option, unknown));
  }
};

export function checkUnknownService(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleUnknownService);
}
