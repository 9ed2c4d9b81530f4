import { findTarget } from '../knowledge';
import type { Analysis } from '../model/analysis';
import type { Problem, Rule, Span } from '../model/types';
import { runRuleCheck } from './rules';
import type { KernelPhase, RuleCheck } from './types';
import { keyed } from '../model/keyed';

export const UNKNOWN_TARGET = 'unknown-target';
export const EXTENSION_UNAVAILABLE = 'extension-unavailable';

/**
 * `-j TARPIT` and other targets that stock iptables does not have (they come
 * from xtables-addons or were removed long ago): without them installed,
 * iptables-restore takes the name for a chain and refuses the table at its
 * COMMIT ("Chain 'TARPIT' does not exist"). Whether they are installed is up
 * to the loading machine.
 */
export function unknownTarget(rule: Rule): Problem {
  const name = rule.target!.name;
  return {
    span: rule.target!.nameSpan, severity: 'warning', code: UNKNOWN_TARGET,
    message: `${name} is not a target of stock iptables (it needs xtables-addons or an old kernel): without it, iptables-restore reads it as a missing chain and refuses the table.`,
    data: { phase: 'commit', environment: true },
  };
}

/**
 * A target that exists for the other family only (ULOG, TTL, ECN in
 * ip6tables; HL, DNPT in iptables): the tool reads its name as a chain, so
 * its options are unknown ("unknown option") or, without options, the chain
 * is missing at COMMIT.
 */
export function targetOtherFamily(rule: Rule, family: 'ipv4' | 'ipv6'): Problem {
  const t = rule.target!;
  const tool = family === 'ipv4' ? 'iptables' : 'ip6tables';
  return {
    span: t.nameSpan, severity: 'error', code: UNKNOWN_TARGET,
    message: `${t.name} exists only for ${family === 'ipv4' ? 'IPv6' : 'IPv4'}: ${tool}-restore reads it as a chain name and refuses the rule.`,
    data: { phase: t.options.length ? 'parse' : 'commit' },
  };
}

/**
 * Extensions iptables knows but that a current kernel or a distribution's
 * iptables build often lacks (the l2tp match library, the ipvs, ULOG,
 * CLUSTERIP and LED kernel modules): the load fails where they are missing.
 */
export function extensionUnavailable(span: Span, what: string, phase: KernelPhase): Problem {
  return {
    span, severity: 'warning', code: EXTENSION_UNAVAILABLE,
    message: `${what} is often missing (Debian 12's iptables and kernel lack it): iptables-restore refuses the rule where it is not installed.`,
    data: { phase, environment: true },
  };
}

/** Where each often-missing extension is noticed: a missing iptables library while reading, a missing kernel module when the kernel gets the rule. */
const UNAVAILABLE_MATCHES: Record<string, KernelPhase> = keyed({ l2tp: 'parse', ipvs: 'kernel' });
const UNAVAILABLE_TARGETS: Record<string, KernelPhase> = keyed({ ULOG: 'kernel', CLUSTERIP: 'kernel', LED: 'kernel' });

export const ruleUnknownTarget: RuleCheck = (rule, _options, scope, out) => {
  for (const m of rule.matches) {
    const phase = UNAVAILABLE_MATCHES[m.module];
    if (phase && m.moduleSpan) out.push(extensionUnavailable(m.moduleSpan, `The ${m.module} match`, phase));
  }
  const t = rule.target;
  if (!t || t.kind !== 'extension') return;
  const info = findTarget(t.name);
  if (!info) out.push(unknownTarget(rule));
  else if (info.families && !info.families.includes(scope.family)) out.push(targetOtherFamily(rule, scope.family));
  else if (UNAVAILABLE_TARGETS[t.name]) out.push(extensionUnavailable(t.nameSpan, `The ${t.name} target`, UNAVAILABLE_TARGETS[t.name]));
};

export function checkUnknownTarget(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleUnknownTarget);
}
