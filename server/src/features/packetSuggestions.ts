/**
 * Packets worth tracing, read from the dump itself: each kube-proxy Service's
 * cluster IP and port and its NodePorts, each Docker published port, and each
 * port that INPUT (or a chain INPUT reaches) accepts. The trace input offers
 * them so a person can ask "where does this go?" without composing a packet.
 */
import type { PacketSuggestion } from '../protocol';
import type { Chain, Family, Match, Rule, Ruleset, Table } from '../model/types';

export type { PacketSuggestion } from '../protocol';

/** Addresses from the documentation ranges (RFC 5737, RFC 3849), so no suggestion names a real host. */
const CLIENT = { ipv4: '192.0.2.10', ipv6: '2001:db8::10' } as const;
const HOST = { ipv4: '198.51.100.1', ipv6: '2001:db8::1' } as const;
const CLIENT_PORT = 40000;
const UPLINK = 'eth0';
/** A dump with thousands of Services would make a pick list nobody scrolls. */
const LIMIT = 500;

/** The suggestions for a parsed dump, in the order: Services, NodePorts, Docker ports, INPUT ports; no two alike. */
export function packetSuggestions(ruleset: Ruleset): PacketSuggestion[] {
  const out: PacketSuggestion[] = [];
  const seen = new Set<string>();
  const add = (s: PacketSuggestion | undefined): void => {
    if (!s || seen.has(s.packet) || out.length >= LIMIT) return;
    seen.add(s.packet);
    out.push(s);
  };
  const family = ruleset.family;
  const nat = ruleset.tables.filter((t) => t.name === 'nat');
  const filter = ruleset.tables.filter((t) => t.name === 'filter');
  for (const table of nat) {
    for (const rule of table.chainsByName.get('KUBE-SERVICES')?.rules ?? []) add(clusterIpSuggestion(table, rule, family));
  }
  for (const table of nat) {
    for (const rule of table.chainsByName.get('KUBE-NODEPORTS')?.rules ?? []) add(nodePortSuggestion(rule, family));
  }
  for (const table of nat) {
    for (const rule of table.chainsByName.get('DOCKER')?.rules ?? []) add(dockerSuggestion(rule, family));
  }
  for (const table of filter) {
    for (const chain of chainsReachedFrom(table, inputChains(table))) {
      for (const rule of chain.rules) add(inputSuggestion(chain, rule, family));
    }
  }
  return out;
}

/** `-d CLUSTER_IP/32 -p tcp --dport N -j KUBE-SVC-…` (or KUBE-EXT-/KUBE-FW- for external addresses). */
function clusterIpSuggestion(table: Table, rule: Rule, family: Family): PacketSuggestion | undefined {
  const target = rule.target?.name ?? '';
  if (!/^KUBE-(SVC|EXT|FW)-/.test(target)) return undefined;
  const proto = protocolOf(rule);
  const dst = hostOf(rule, 'destination', family);
  const port = firstPort(rule, DPORT);
  if (!proto || !dst || port === undefined) return undefined;
  const service = serviceName(rule);
  const endpoints = table.chainsByName.get(target)?.rules.filter((r) => r.target?.name.startsWith('KUBE-SEP-')).length ?? 0;
  const kind = /\bexternal IP\b/.test(rule.comments.join(' ')) ? 'external IP' : /loadbalancer/i.test(rule.comments.join(' ')) ? 'load balancer IP' : 'cluster IP';
  return {
    label: `${service ?? `${dst}:${port}`} ${kind}`,
    packet: `${proto} ${endpoint(CLIENT[family], CLIENT_PORT, family)} -> ${endpoint(dst, port, family)} in ${UPLINK}`,
    detail: `kube-proxy: nat ${rule.chain} rule ${rule.index} → ${target}${endpoints ? ` (${plural(endpoints, 'endpoint')})` : ''}`,
  };
}

/** `-p tcp --dport NODEPORT -j KUBE-EXT-…`: a packet to this host's own address on that port. */
function nodePortSuggestion(rule: Rule, family: Family): PacketSuggestion | undefined {
  const proto = protocolOf(rule);
  const port = firstPort(rule, DPORT);
  if (!proto || port === undefined || !rule.target) return undefined;
  const service = serviceName(rule);
  const host = HOST[family];
  return {
    label: `${service ?? rule.target.name} NodePort ${port}`,
    packet: `${proto} ${endpoint(CLIENT[family], CLIENT_PORT, family)} -> ${endpoint(host, port, family)} in ${UPLINK} local ${host}`,
    detail: `kube-proxy: nat KUBE-NODEPORTS rule ${rule.index} → ${rule.target.name} (this host taken as ${host})`,
  };
}

/** `-A DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80`. */
function dockerSuggestion(rule: Rule, family: Family): PacketSuggestion | undefined {
  if (rule.target?.name !== 'DNAT') return undefined;
  const proto = protocolOf(rule);
  const port = firstPort(rule, DPORT);
  if (!proto || port === undefined) return undefined;
  const to = rule.target.options.find((o) => o.name === 'to-destination')?.values[0] ?? '?';
  const written = hostOf(rule, 'destination', family);
  const loopback = written !== undefined && (written.startsWith('127.') || written === '::1');
  const host = written ?? HOST[family];
  const packet = loopback
    ? `${proto} ${endpoint(host, CLIENT_PORT, family)} -> ${endpoint(host, port, family)} from local`
    : `${proto} ${endpoint(CLIENT[family], CLIENT_PORT, family)} -> ${endpoint(host, port, family)} in ${interfaceOf(rule)} local ${host}`;
  return {
    label: `Docker published port ${port}/${proto} → ${to}`,
    packet,
    detail: `Docker: nat DOCKER rule ${rule.index} DNAT${written ? '' : ` (this host taken as ${host})`}`,
  };
}

/** An ACCEPT with a destination port in INPUT or a chain INPUT reaches (ufw-user-input, KUBE-NODEPORTS…). */
function inputSuggestion(chain: Chain, rule: Rule, family: Family): PacketSuggestion | undefined {
  if (rule.target?.kind !== 'accept') return undefined;
  const port = firstPort(rule, DPORT);
  if (port === undefined) return undefined;
  const proto = protocolOf(rule) ?? 'tcp';
  const src = hostOf(rule, 'source', family) ?? CLIENT[family];
  const dst = hostOf(rule, 'destination', family) ?? HOST[family];
  const state = stateOf(rule);
  const sport = firstPort(rule, SPORT) ?? CLIENT_PORT;
  const words = [`${proto} ${endpoint(src, sport, family)} -> ${endpoint(dst, port, family)}`, `in ${interfaceOf(rule)}`, `local ${dst}`];
  if (state && state !== 'NEW') words.push(`state ${state}`);
  const comment = rule.comments.length ? ` (${rule.comments.join('; ')})` : '';
  return {
    label: `INPUT accepts ${proto} port ${port}${comment}`,
    packet: words.join(' '),
    detail: `filter ${chain.name} rule ${rule.index}, line ${rule.span.line + 1}`,
  };
}

/**
 * INPUT, and the chains named as input chains (`ufw-user-input`,
 * `INPUT_direct`), since a ufw `user.rules` or a firewalld fragment holds
 * those without INPUT itself.
 */
function inputChains(table: Table): Chain[] {
  return table.chains.filter((c) => c.name === 'INPUT' || /[-_]input$|^INPUT[-_]/i.test(c.name));
}

/** The given chains and every chain they reach by jump or goto, in that order. */
function chainsReachedFrom(table: Table, start: Chain[]): Chain[] {
  const out: Chain[] = [...start];
  const seen = new Set(start.map((c) => c.name));
  for (let i = 0; i < out.length; i++) {
    for (const rule of out[i].rules) {
      const target = rule.target;
      if (!target || (target.kind !== 'jump' && target.kind !== 'goto') || seen.has(target.name)) continue;
      const next = table.chainsByName.get(target.name);
      if (!next) continue;
      seen.add(target.name);
      out.push(next);
    }
  }
  return out;
}

function positive(rule: Rule, module: string): Match | undefined {
  return rule.matches.find((m) => m.module === module && !m.negated && !m.options.some((o) => o.negated));
}

function protocolOf(rule: Rule): string | undefined {
  const word = positive(rule, 'protocol')?.options[0]?.values[0]?.toLowerCase();
  if (word === undefined) return undefined;
  return { '6': 'tcp', '17': 'udp', '132': 'sctp', '1': 'icmp', '58': 'icmpv6', 'ipv6-icmp': 'icmpv6' }[word] ?? word;
}

const DPORT = ['dport', 'destination-port', 'dports', 'destination-ports', 'ports'];
const SPORT = ['sport', 'source-port', 'sports', 'source-ports'];

/** The first port a rule asks for under these option names: `--dport N`, `--dport A:B` (A), `--dports A,B` (A). */
function firstPort(rule: Rule, names: readonly string[]): number | undefined {
  for (const match of rule.matches) {
    if (match.negated) continue;
    for (const option of match.options) {
      if (option.negated || !names.includes(option.name)) continue;
      const first = /^(\d+)/.exec(option.values[0] ?? '');
      if (first) return Number(first[1]);
    }
  }
  return undefined;
}

/** An address inside the rule's `-s`/`-d` (the address itself for a host, the first host of a network). */
function hostOf(rule: Rule, module: 'source' | 'destination', family: Family): string | undefined {
  const value = positive(rule, module)?.options[0]?.values[0];
  if (!value) return undefined;
  const [address, prefix] = value.split('/');
  if (prefix === undefined) return address;
  const bits = Number(prefix);
  if (family === 'ipv6' || address.includes(':')) {
    if (bits >= 128 || !address.endsWith('::')) return address;
    return `${address}1`;
  }
  if (bits >= 31) return address;
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return address;
  const n = (((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const host = ((n & mask) >>> 0) + 1;
  return [host >>> 24, (host >>> 16) & 255, (host >>> 8) & 255, host & 255].join('.');
}

/** The rule's `-i` when it names one interface (a `+` wildcard stands for its first name), else the uplink. */
function interfaceOf(rule: Rule): string {
  const name = positive(rule, 'in-interface')?.options[0]?.values[0];
  if (!name) return UPLINK;
  return name.endsWith('+') ? `${name.slice(0, -1)}0` : name;
}

/** The connection state a rule requires, when it does not accept NEW. */
function stateOf(rule: Rule): string | undefined {
  for (const match of rule.matches) {
    if (match.negated) continue;
    const option = match.options.find((o) => !o.negated && (o.name === 'ctstate' || o.name === 'state'));
    if (!option) continue;
    const states = (option.values[0] ?? '').split(',');
    return states.includes('NEW') ? 'NEW' : states[0];
  }
  return undefined;
}

/** `ns/name:port` from the rule's comment, without kube-proxy's suffixes and the empty port name. */
function serviceName(rule: Rule): string | undefined {
  const comment = rule.comments.find((c) => /^[\w.-]+\/[\w.-]+/.test(c));
  if (!comment) return undefined;
  const name = comment.split(' ')[0];
  return name.endsWith(':') ? name.slice(0, -1) : name;
}

function endpoint(address: string, port: number, family: Family): string {
  return family === 'ipv6' || address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
