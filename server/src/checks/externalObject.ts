import type { Analysis } from '../model/analysis';
import type { Option, Problem } from '../model/types';
import type { KernelPhase } from './types';
import { allRules } from './rules';

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

export function checkExternalObject(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const { rule } of allRules(analysis)) {
    for (const m of rule.matches) {
      for (const o of m.options) {
        if (m.module === 'set' && (o.name === 'match-set' || o.name === 'set') && o.values[0]) out.push(externalObject(o, `ipset ${o.values[0]}`, 'parse'));
        if (m.module === 'nfacct' && o.name === 'nfacct-name' && o.values[0]) out.push(externalObject(o, `nfacct object ${o.values[0]}`, 'kernel'));
        if (m.module === 'cgroup' && o.name === 'path' && o.values[0]) out.push(externalObject(o, `cgroup ${o.values[0]} (in the cgroup v2 hierarchy)`, 'kernel'));
      }
    }
    const t = rule.target;
    if (!t) continue;
    for (const o of t.options) {
      if (t.name === 'SET' && /^(add|del|map)-set$/.test(o.name) && o.values[0]) out.push(externalObject(o, `ipset ${o.values[0]}`, 'parse'));
      if (t.name === 'CT' && o.name === 'helper' && o.values[0]) out.push(externalObject(o, `the conntrack helper ${o.values[0]} (its kernel module)`, 'kernel'));
      if (t.name === 'CT' && o.name === 'timeout' && o.values[0]) out.push(externalObject(o, `conntrack timeout policy ${o.values[0]} (made with nfct)`, 'kernel'));
      if (t.name === 'SECMARK' && o.name === 'selctx' && o.values[0]) out.push(externalObject(o, `SELinux context ${o.values[0]}`, 'kernel'));
    }
  }
  return out;
}
