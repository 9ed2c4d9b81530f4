import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import { runRuleCheck } from './rules';
import type { KernelPhase, RuleCheck } from './types';

export const EXTERNAL_OBJECT = 'external-object';

/**
 * A rule that names an object living outside iptables: an ipset, an nfacct
 * counter, a conntrack timeout policy, an SELinux context. The kernel refuses
 * the rule if the object does not exist when the file is loaded, which the
 * file alone cannot tell.
 */
export function externalObject(option: Option, what: string, phase: KernelPhase): Problem {
  return {
    span: option.valueSpan ?? option.span, severity: 'warning', code: EXTERNAL_OBJECT,
    message: `${what} must exist before this file is loaded, or iptables-restore refuses the rule.`,
    data: { phase, environment: true },
  };
}

export const ruleExternalObject: RuleCheck = (rule, _options, _scope, out) => {
  for (const m of rule.matches) {
    const module = m.module;
    if (module !== 'set' && module !== 'nfacct' && module !== 'cgroup') continue;
    for (const o of m.options) {
      if (module === 'set' && (o.name === 'match-set' || o.name === 'set') && o.values[0]) out.push(externalObject(o, `ipset ${o.values[0]}`, 'parse'));
      if (module === 'nfacct' && o.name === 'nfacct-name' && o.values[0]) out.push(externalObject(o, `nfacct object ${o.values[0]}`, 'kernel'));
      if (module === 'cgroup' && o.name === 'path' && o.values[0]) out.push(externalObject(o, `cgroup ${o.values[0]} (in the cgroup v2 hierarchy)`, 'kernel'));
    }
  }
  const t = rule.target;
  if (!t) return;
  const name = t.name;
  if (name !== 'SET' && name !== 'CT' && name !== 'SECMARK') return;
  for (const o of t.options) {
    if (name === 'SET' && /^(add|del|map)-set$/.test(o.name) && o.values[0]) out.push(externalObject(o, `ipset ${o.values[0]}`, 'parse'));
    if (name === 'CT' && o.name === 'helper' && o.values[0]) out.push(externalObject(o, `the conntrack helper ${o.values[0]} (its kernel module)`, 'kernel'));
    if (name === 'CT' && o.name === 'timeout' && o.values[0]) out.push(externalObject(o, `conntrack timeout policy ${o.values[0]} (made with nfct)`, 'kernel'));
    if (name === 'SECMARK' && o.name === 'selctx' && o.values[0]) out.push(externalObject(o, `SELinux context ${o.values[0]}`, 'kernel'));
  }
};

export function checkExternalObject(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleExternalObject);
}
