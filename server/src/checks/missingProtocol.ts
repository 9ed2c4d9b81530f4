import type { Analysis } from '../model/analysis';
import type { Family, Problem, Rule, Span } from '../model/types';
import { ruleProtocol } from './extensions';
import type { KernelPhase } from './types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';
import { keyed } from '../model/keyed';

export const MISSING_PROTOCOL = 'missing-protocol';

/** Protocols that have ports, as `-p` names or numbers. */
const PORT_PROTOCOLS = new Set(['tcp', '6', 'udp', '17', 'sctp', '132', 'dccp', '33', 'udplite', '136']);
const TCP = new Set(['tcp', '6']);

/**
 * Something that only makes sense for some protocols, on a rule without a
 * matching `-p`: ports in a NAT target ("Need TCP, UDP, SCTP or DCCP with
 * port specification"), REJECT with tcp-reset, TCPMSS.
 */
export function missingProtocol(span: Span, what: string, needs: string, phase: KernelPhase): Problem {
  return {
    span, severity: 'error', code: MISSING_PROTOCOL,
    message: `${what} needs ${needs} on the rule: iptables-restore refuses it without.`,
    data: { phase },
  };
}

/** Protocol numbers by name, so `-p 6` counts as `-p tcp`. */
const NUMBERS: Record<string, string> = keyed({ '6': 'tcp', '17': 'udp', '136': 'udplite', '1': 'icmp', '58': 'ipv6-icmp', '132': 'sctp', '33': 'dccp', '50': 'esp', '51': 'ah', '135': 'mh' });

/**
 * Matches that refuse a rule without their protocol, and when: iptables itself
 * says "TCP match requires '-p tcp'" while reading the line; for the others the
 * kernel refuses the rule.
 */
const MATCH_PROTOCOLS: Record<string, { protocols: string[]; phase: KernelPhase }> = keyed({
  tcp: { protocols: ['tcp'], phase: 'parse' },
  udp: { protocols: ['udp'], phase: 'parse' },
  udplite: { protocols: ['udplite'], phase: 'parse' },
  sctp: { protocols: ['sctp'], phase: 'parse' },
  dccp: { protocols: ['dccp'], phase: 'parse' },
  icmp: { protocols: ['icmp'], phase: 'parse' },
  icmp6: { protocols: ['ipv6-icmp', 'icmpv6', 'icmp6'], phase: 'parse' },
  multiport: { protocols: ['tcp', 'udp', 'udplite', 'sctp', 'dccp'], phase: 'parse' },
  tcpmss: { protocols: ['tcp'], phase: 'kernel' },
  esp: { protocols: ['esp'], phase: 'kernel' },
  ah: { protocols: ['ah'], phase: 'kernel' },
});

/** Whether the rule's -p comes before a column. */
function protocolBefore(rule: Rule, column: number): boolean {
  for (const m of rule.matches) if (m.module === 'protocol') return m.span.start < column;
  return false;
}

/**
 * Whether a NAT range (--to-destination, --to-source) gives ports: after
 * the address (`a:p`), after a bracketed address (`[a]:p`), or alone (`:p`).
 * An IPv6 address without brackets has colons of its own and no port
 * (ip6tables-restore takes `--to-source 1234:5678::1` without -p).
 */
function natRangeHasPort(v: string, family: Family): boolean {
  if (v.startsWith('[')) return /^\[.*\]:\d/.test(v);
  return family === 'ipv6' ? /^:\d/.test(v) : /^[^:]*:\d/.test(v);
}

export const ruleMissingProtocol: RuleCheck = (rule, _options, scope, out) => {
  const given = ruleProtocol(rule);
  const named = given ? NUMBERS[given] ?? given : null;
  for (const m of rule.matches) {
    const need = MATCH_PROTOCOLS[m.module];
    if (!need || m.implicit) continue;
    // multiport looks at -p when it reads its first option, so -p has to come before that.
    const inTime = m.module !== 'multiport' || !m.options.length || protocolBefore(rule, m.options[0].span.start);
    if (named && need.protocols.includes(named) && inTime) continue;
    out.push(missingProtocol(m.moduleSpan ?? m.span, `Match ${m.module}`, need.protocols.length > 1 ? `-p ${need.protocols.slice(0, -1).join(', ')} or ${need.protocols[need.protocols.length - 1]}` : `-p ${need.protocols[0]}`, need.phase));
  }
  const t = rule.target;
  if (!t || t.kind === 'jump' || t.kind === 'goto') return;
  const proto = given;
  const hasPorts = proto !== null && PORT_PROTOCOLS.has(proto);
  for (const o of t.options) {
    const v = o.value ?? '';
    // A rule with a port protocol may give ports anywhere: the address is then not looked at.
    const portsInRange = !hasPorts && (o.name === 'to-destination' || o.name === 'to-source') && natRangeHasPort(v, scope.family);
    if ((o.name === 'to-ports' || portsInRange) && !hasPorts) {
      out.push(missingProtocol(o.span, `A port in ${t.name} --${o.name}`, '-p tcp, udp, sctp or dccp', 'parse'));
    }
    if (t.name === 'REJECT' && o.name === 'reject-with' && v === 'tcp-reset' && !(proto && TCP.has(proto))) {
      out.push(missingProtocol(o.span, 'REJECT --reject-with tcp-reset', '-p tcp', 'kernel'));
    }
  }
  if (t.name === 'TCPMSS' && !(proto && TCP.has(proto))) out.push(missingProtocol(t.nameSpan, 'TCPMSS', '-p tcp', 'kernel'));
};

export function checkMissingProtocol(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleMissingProtocol);
}

