import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { ipv4Number } from '../model/address';
import { checkAddress, LOCAL_HOSTNAMES } from './addresses';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const HOSTNAME_LOOKUP = 'hostname-lookup';

/**
 * `-s example.com`: iptables looks the name up once, while loading, and
 * stores the addresses. Whether that works depends on the machine's resolver
 * at that moment, which a file cannot tell; without one the load fails
 * ("host/network not found").
 */
export function hostnameLookup(option: Option, name: string): Problem {
  return {
    span: option.valueSpan ?? option.span, severity: 'warning', code: HOSTNAME_LOOKUP,
    message: `${name} is a host name: iptables-restore resolves it once while loading, and refuses the file if it cannot (no DNS, e.g. at boot or in a fresh network namespace).`,
    data: { phase: 'parse', environment: true },
  };
}

export const ruleHostnameLookup: RuleCheck = (rule, _options, scope, out) => {
  const family = scope.family;
  for (const m of rule.matches) {
    if (m.module !== 'source' && m.module !== 'destination') continue;
    const o = m.options[0];
    if (!o?.value) continue;
    const value = o.value;
    // Most rules name one address in digits: nothing to look up.
    if (family === 'ipv4' && value.indexOf(',') < 0 && ipv4Number(value.indexOf('/') < 0 ? value : value.slice(0, value.indexOf('/'))) >= 0) continue;
    const name = value.split(',').find((a) => checkAddress(a, family) === 'hostname' && !LOCAL_HOSTNAMES[family].has(a.split('/')[0]));
    if (name) out.push(hostnameLookup(o, name));
  }
};

export function checkHostnameLookup(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleHostnameLookup);
}
