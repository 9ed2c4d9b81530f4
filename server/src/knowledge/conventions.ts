/**
 * Chain-name conventions of the tools that write iptables rules (kube-proxy,
 * Docker, Calico, flannel, firewalld, ufw, fail2ban), and what can be decoded
 * from a dump that follows them: a kube-proxy Service's name, cluster IP,
 * node ports and endpoints with their effective shares; Docker's published
 * ports. Everything is read from the dump itself.
 */
import type { Chain, Option, Rule, Table, TableGraph } from '../model/types';
import { keyed } from '../model/keyed';

/** A chain family: who writes chains of this name and what they are for. */
export interface ChainConvention {
  /** The tool: kube-proxy, Docker, Calico, … */
  owner: string;
  purpose: string;
}

/** Exact chain names first, then prefixes (longest first), each with its tool and purpose. */
const EXACT: Record<string, ChainConvention> = keyed({
  'KUBE-SERVICES': { owner: 'kube-proxy', purpose: 'Entry point for Service traffic: one rule per Service port sends packets for a cluster IP, external IP or load-balancer IP to that Service\'s chain; the last rule sends traffic for local addresses to KUBE-NODEPORTS.' },
  'KUBE-NODEPORTS': { owner: 'kube-proxy', purpose: 'NodePort Services: traffic for a node port on one of this node\'s addresses goes to the Service\'s chain.' },
  'KUBE-POSTROUTING': { owner: 'kube-proxy', purpose: 'Masquerades (source-NATs) packets that KUBE-MARK-MASQ marked, so replies from the endpoint come back through this node.' },
  'KUBE-MARK-MASQ': { owner: 'kube-proxy', purpose: 'Marks the packet (usually bit 0x4000) for masquerading; KUBE-POSTROUTING later source-NATs packets with that mark.' },
  'KUBE-MARK-DROP': { owner: 'kube-proxy', purpose: 'Marks the packet (usually bit 0x8000) to be dropped by KUBE-FIREWALL (older kube-proxy).' },
  'KUBE-FORWARD': { owner: 'kube-proxy', purpose: 'Accepts forwarded traffic that kube-proxy marked, and packets of established connections, so Service traffic survives a DROP policy on FORWARD.' },
  'KUBE-FIREWALL': { owner: 'kube-proxy / kubelet', purpose: 'Drops packets marked by KUBE-MARK-DROP and martian packets to 127.0.0.0/8 from outside.' },
  'KUBE-PROXY-FIREWALL': { owner: 'kube-proxy', purpose: 'Drops traffic to load-balancer IPs from sources not listed in loadBalancerSourceRanges.' },
  'KUBE-EXTERNAL-SERVICES': { owner: 'kube-proxy', purpose: 'Filter rules for external traffic: rejects or drops traffic to Services with no (local) endpoints.' },
  'KUBE-PROXY-CANARY': { owner: 'kube-proxy', purpose: 'An empty canary chain: kube-proxy recreates its rules when this chain disappears (someone flushed the tables).' },
  'KUBE-KUBELET-CANARY': { owner: 'kubelet', purpose: 'An empty canary chain that tells kubelet its rules were flushed.' },
  'KUBE-IPVS-FILTER': { owner: 'kube-proxy (ipvs mode)', purpose: 'Filter rules for IPVS-mode Services.' },
  'KUBE-LOAD-BALANCER': { owner: 'kube-proxy (ipvs mode)', purpose: 'Load-balancer Services in IPVS mode.' },
  DOCKER: { owner: 'Docker', purpose: 'Published container ports: in nat, DNAT rules send a host port to a container; in filter, rules accept traffic to published ports.' },
  'DOCKER-USER': { owner: 'Docker', purpose: 'For your own rules: Docker jumps here from FORWARD before its own rules and never changes it.' },
  'DOCKER-ISOLATION-STAGE-1': { owner: 'Docker', purpose: 'First step of network isolation: traffic leaving a Docker bridge for another interface goes to stage 2.' },
  'DOCKER-ISOLATION-STAGE-2': { owner: 'Docker', purpose: 'Second step of network isolation: drops traffic going into a different Docker bridge network.' },
  'DOCKER-FORWARD': { owner: 'Docker', purpose: 'Forwarding rules for Docker bridge networks (newer Docker): established traffic, bridge isolation, published ports.' },
  'DOCKER-CT': { owner: 'Docker', purpose: 'Accepts packets of established connections going to containers.' },
  'DOCKER-BRIDGE': { owner: 'Docker', purpose: 'Sends traffic into each bridge network to the DOCKER chain for its published ports.' },
  'DOCKER-INTERNAL': { owner: 'Docker', purpose: 'Drops traffic leaving or entering internal networks (networks without outside access).' },
  'DOCKER-INGRESS': { owner: 'Docker swarm', purpose: 'Swarm routing mesh: published service ports on every node go to the ingress network.' },
  'FLANNEL-FWD': { owner: 'flannel', purpose: 'Accepts forwarded traffic from and to the pod network.' },
  'FLANNEL-POSTRTG': { owner: 'flannel', purpose: 'Masquerades pod traffic leaving the pod network; returns for traffic inside it.' },
});

const PREFIXES: [string, ChainConvention][] = [
  ['KUBE-SVC-', { owner: 'kube-proxy', purpose: 'One Service port: spreads new connections over the Service\'s endpoints (KUBE-SEP chains), at random with the statistic match.' }],
  ['KUBE-SVL-', { owner: 'kube-proxy', purpose: 'One Service port, local endpoints only (externalTrafficPolicy/internalTrafficPolicy Local).' }],
  ['KUBE-SEP-', { owner: 'kube-proxy', purpose: 'One Service endpoint: marks hairpin traffic (from the endpoint itself) for masquerading, then DNATs to the pod\'s address and port.' }],
  ['KUBE-EXT-', { owner: 'kube-proxy', purpose: 'External traffic (node port, external IP, load-balancer IP) for one Service port: marks it for masquerading where needed, then goes to the Service chain.' }],
  ['KUBE-FW-', { owner: 'kube-proxy', purpose: 'Load-balancer source ranges for one Service port: allowed sources go on to the Service, the rest are dropped.' }],
  ['KUBE-XLB-', { owner: 'kube-proxy (older)', purpose: 'External traffic with externalTrafficPolicy Local for one Service port (renamed KUBE-EXT/KUBE-SVL in newer versions).' }],
  ['DOCKER-ISOLATION', { owner: 'Docker', purpose: 'Network isolation between Docker bridge networks.' }],
  ['DOCKER', { owner: 'Docker', purpose: 'A chain made by Docker.' }],
  ['cali-fw-', { owner: 'Calico', purpose: 'Policy for traffic from one workload (pod) interface.' }],
  ['cali-tw-', { owner: 'Calico', purpose: 'Policy for traffic to one workload (pod) interface.' }],
  ['cali-pri-', { owner: 'Calico', purpose: 'Profile rules applied to traffic into workloads.' }],
  ['cali-pro-', { owner: 'Calico', purpose: 'Profile rules applied to traffic out of workloads.' }],
  ['cali-pi-', { owner: 'Calico', purpose: 'Ingress rules of one network policy.' }],
  ['cali-po-', { owner: 'Calico', purpose: 'Egress rules of one network policy.' }],
  ['cali-', { owner: 'Calico', purpose: 'A chain made by Calico (Felix), the network policy engine; Calico names its rules with `cali:` comments.' }],
  ['felix-', { owner: 'Calico', purpose: 'A chain made by Calico\'s Felix agent.' }],
  ['FLANNEL', { owner: 'flannel', purpose: 'A chain made by flannel, the pod network.' }],
  ['KUBE-', { owner: 'kube-proxy / kubelet', purpose: 'A chain made by Kubernetes.' }],
  ['f2b-', { owner: 'fail2ban', purpose: 'Bans of one fail2ban jail: addresses that failed too often are rejected or dropped here; the rest return.' }],
  ['ufw-user-', { owner: 'ufw', purpose: 'Rules added with `ufw allow/deny`.' }],
  ['ufw-before-', { owner: 'ufw', purpose: 'Rules ufw runs before the user rules (loopback, established, ICMP, DHCP).' }],
  ['ufw-after-', { owner: 'ufw', purpose: 'Rules ufw runs after the user rules (quiet drops of noisy broadcast traffic).' }],
  ['ufw-logging-', { owner: 'ufw', purpose: 'Logging of what ufw allows or denies.' }],
  ['ufw-', { owner: 'ufw', purpose: 'A chain made by ufw (Uncomplicated Firewall).' }],
  ['ufw6-', { owner: 'ufw', purpose: 'A chain made by ufw for IPv6.' }],
  ['fail2ban-', { owner: 'fail2ban', purpose: 'Bans of one fail2ban jail (older naming).' }],
  ['IN_', { owner: 'firewalld', purpose: 'Incoming rules of a firewalld zone (IN_zone, with _log/_deny/_allow sub-chains).' }],
  ['FWDI_', { owner: 'firewalld', purpose: 'Forwarding rules for traffic into a firewalld zone.' }],
  ['FWDO_', { owner: 'firewalld', purpose: 'Forwarding rules for traffic out of a firewalld zone.' }],
  ['FWD_', { owner: 'firewalld', purpose: 'Forwarding rules of a firewalld zone.' }],
  ['PRE_', { owner: 'firewalld', purpose: 'PREROUTING rules of a firewalld zone.' }],
  ['POST_', { owner: 'firewalld', purpose: 'POSTROUTING rules of a firewalld zone.' }],
  ['INPUT_', { owner: 'firewalld', purpose: 'firewalld\'s INPUT dispatch (INPUT_direct, INPUT_ZONES…).' }],
  ['FORWARD_', { owner: 'firewalld', purpose: 'firewalld\'s FORWARD dispatch (FORWARD_direct, FORWARD_IN_ZONES…).' }],
  ['OUTPUT_', { owner: 'firewalld', purpose: 'firewalld\'s OUTPUT dispatch (OUTPUT_direct).' }],
  ['PREROUTING_', { owner: 'firewalld', purpose: 'firewalld\'s PREROUTING dispatch (PREROUTING_direct, PREROUTING_ZONES…).' }],
  ['POSTROUTING_', { owner: 'firewalld', purpose: 'firewalld\'s POSTROUTING dispatch.' }],
].sort((a, b) => (b[0] as string).length - (a[0] as string).length) as [string, ChainConvention][];

/** Chains whose job differs by table (kube-proxy uses the same names in nat and filter). */
const BY_TABLE: Record<string, Record<string, ChainConvention>> = keyed<Record<string, ChainConvention>>({
  filter: keyed({
    'KUBE-SERVICES': { owner: 'kube-proxy', purpose: 'Filter side of Services: rejects connections to Services that have no endpoints.' },
    'KUBE-NODEPORTS': { owner: 'kube-proxy', purpose: 'Filter side of node ports: accepts traffic to health-check node ports.' },
    DOCKER: { owner: 'Docker', purpose: 'Accepts forwarded traffic to published container ports; drops other traffic into the bridge from outside.' },
  }),
  nat: keyed({
    DOCKER: { owner: 'Docker', purpose: 'Published container ports: each DNAT rule sends a host port to a container\'s address and port.' },
  }),
});

/** The tool that names chains this way and what the chain is for, if a convention says; `table` refines it where the job differs by table. */
export function chainConvention(name: string, table?: string): ChainConvention | undefined {
  const specific = table ? BY_TABLE[table]?.[name] : undefined;
  if (specific) return specific;
  const exact = EXACT[name];
  if (exact) return exact;
  for (const [prefix, conv] of PREFIXES) if (name.startsWith(prefix)) return conv;
  return undefined;
}

/** The value of a match or target option, looked up by module/target and option name. */
export function optionValue(rule: Rule, module: string, option: string): Option | undefined {
  for (const m of rule.matches) {
    if (m.module !== module) continue;
    const o = m.options.find((x) => x.name === option);
    if (o) return o;
  }
  return undefined;
}

function targetOption(rule: Rule, name: string): string | undefined {
  return rule.target?.options.find((o) => o.name === name)?.value ?? undefined;
}

const SERVICE_NAME = /([a-z0-9][-a-z0-9.]*)\/([a-z0-9][-a-z0-9.]*)(?::([-a-zA-Z0-9]*))?/;

/** The kube-proxy Service port name `namespace/name[:port]` a rule comment mentions, if any. */
export function serviceNameIn(comment: string): string | undefined {
  const m = SERVICE_NAME.exec(comment);
  if (!m) return undefined;
  return m[3] ? `${m[1]}/${m[2]}:${m[3]}` : `${m[1]}/${m[2]}`;
}

function serviceNameOf(rules: readonly Rule[]): string | undefined {
  for (const r of rules) for (const c of r.comments) {
    const n = serviceNameIn(c);
    if (n) return n;
  }
  return undefined;
}

export interface Endpoint {
  /** The KUBE-SEP chain. */
  chain: string;
  /** `address:port` from the DNAT target, or from the `-> address` comment. */
  address?: string;
  /** Probability of the rule that picks it, as written (null when it has none). */
  probability: number | null;
  /** Effective share of new connections, 0…1. */
  share: number;
}

export interface ServiceAddress {
  address: string;
  port?: string;
  protocol?: string;
  /** cluster IP, external IP, loadbalancer IP, node port… from the comment. */
  kind: string;
}

export interface KubeService {
  /** `namespace/name[:port]`. */
  name?: string;
  /** How traffic reaches the chain: cluster IPs, external IPs, node ports, from the rules that jump here. */
  addresses: ServiceAddress[];
  endpoints: Endpoint[];
  /** kube-proxy's "has no endpoints" reject rule for this Service, or a Service chain with no endpoints. */
  noEndpoints: boolean;
  /** Clients go back to the endpoint they used before (`-m recent` rules ahead of the random picks). */
  sessionAffinity?: boolean;
}

/** The probability of a `-m statistic --mode random` match, or null when the rule has none. */
export function randomProbability(rule: Rule): number | null {
  for (const m of rule.matches) {
    if (m.module !== 'statistic') continue;
    const mode = m.options.find((o) => o.name === 'mode')?.value;
    const p = m.options.find((o) => o.name === 'probability');
    if (mode === 'random' && p?.value) {
      const v = Number(p.value);
      if (!Number.isFinite(v)) return null;
      return p.negated ? 1 - v : v;
    }
  }
  return null;
}

/**
 * Effective shares of the rules that pick a branch in order, each with its
 * own probability: rule i gets p_i × Π(1 − p_j) over the earlier rules; a
 * rule without a probability takes all that is left.
 */
export function effectiveShares(probabilities: (number | null)[]): number[] {
  let left = 1;
  return probabilities.map((p) => {
    const take = p === null ? 1 : Math.min(1, Math.max(0, p));
    const share = left * take;
    left -= share;
    return share;
  });
}

/** The DNAT destination of a KUBE-SEP chain (or any chain with a DNAT rule). */
export function endpointAddress(table: Table, chainName: string): string | undefined {
  const chain = table.chainsByName.get(chainName);
  if (!chain) return undefined;
  for (const r of chain.rules) {
    if (r.target?.name === 'DNAT') {
      const to = targetOption(r, 'to-destination');
      if (to) return to;
    }
  }
  for (const r of chain.rules) for (const c of r.comments) {
    const m = /->\s*(\S+)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

function addressOf(rule: Rule, comment: string | undefined): ServiceAddress | undefined {
  const d = optionValue(rule, 'destination', 'destination');
  const proto = optionValue(rule, 'protocol', 'protocol')?.value ?? undefined;
  let port: string | undefined;
  for (const m of rule.matches) {
    const o = m.options.find((x) => x.name === 'dport' || x.name === 'dports');
    if (o?.value) port = o.value;
  }
  const kindMatch = comment ? /(cluster IP|external IP|loadbalancer IP|load balancer IP|health check node port)/.exec(comment) : null;
  const kind = kindMatch ? kindMatch[1] : rule.chain === 'KUBE-NODEPORTS' ? 'node port' : 'address';
  if (!d?.value && kind !== 'node port') return undefined;
  return { address: d?.value ? d.value.replace(/\/(32|128)$/, '') : 'any local address', port, protocol: proto, kind };
}

/**
 * What a kube-proxy Service chain (KUBE-SVC-*, KUBE-SVL-*, KUBE-EXT-*,
 * KUBE-FW-*, KUBE-XLB-*) stands for: its name, addresses and endpoints with
 * their effective shares. Undefined for other chains.
 */
export function kubeService(table: Table, graph: TableGraph | undefined, chainName: string): KubeService | undefined {
  if (!/^KUBE-(SVC|SVL|EXT|FW|XLB)-/.test(chainName)) return undefined;
  const chain = table.chainsByName.get(chainName);
  if (!chain) return undefined;
  const service: KubeService = { name: serviceNameOf(chain.rules), addresses: [], endpoints: [], noEndpoints: false };

  const incoming = graph?.incoming.get(chainName) ?? [];
  for (const edge of incoming) {
    const comment = edge.rule.comments[0];
    service.name ??= comment ? serviceNameIn(comment) : undefined;
    const a = addressOf(edge.rule, comment);
    const same = (x: ServiceAddress) => a && x.kind === a.kind && x.port === a.port && x.protocol === a.protocol && (x.address === a.address || a.kind === 'node port');
    if (a && !service.addresses.some(same)) service.addresses.push(a);
  }

  // Endpoints: the SEP jumps of this chain, or of the Service chain an EXT/FW/XLB chain leads to (FW → EXT → SVC).
  let pickChain: Chain | undefined = chain;
  for (let hop = 0; hop < 3 && pickChain && !/^KUBE-(SVC|SVL)-/.test(pickChain.name); hop++) {
    if (pickChain.rules.some((r) => r.target?.name.startsWith('KUBE-SEP-'))) break;
    const names: string[] = pickChain.rules.map((r: Rule) => r.target?.name ?? '');
    const next: string | undefined = names.find((n) => /^KUBE-(SVC|SVL)-/.test(n)) ?? names.find((n) => /^KUBE-(EXT|XLB)-/.test(n));
    pickChain = next ? table.chainsByName.get(next) : undefined;
  }
  if (pickChain) {
    // Rules with `-m recent --rcheck` send returning clients to their endpoint (session affinity); they are not a pick.
    const isAffinity = (r: Rule) => r.matches.some((m) => m.module === 'recent');
    const sepRules = pickChain.rules.filter((r) => r.target?.name.startsWith('KUBE-SEP-'));
    service.sessionAffinity = sepRules.some(isAffinity);
    const picks = sepRules.filter((r) => !isAffinity(r));
    const probabilities = picks.map(randomProbability);
    const shares = effectiveShares(probabilities);
    service.endpoints = picks.map((r, i) => ({
      chain: r.target!.name,
      address: endpointAddress(table, r.target!.name) ?? (r.comments.map((c) => /->\s*(\S+)/.exec(c)?.[1]).find(Boolean)),
      probability: probabilities[i],
      share: shares[i],
    }));
  }
  service.noEndpoints = service.endpoints.length === 0;
  return service;
}

/** For a KUBE-SEP-* chain: the Service it belongs to and the endpoint it DNATs to. */
export function kubeEndpoint(table: Table, graph: TableGraph | undefined, chainName: string): { service?: string; address?: string; from: string[] } | undefined {
  if (!chainName.startsWith('KUBE-SEP-')) return undefined;
  const chain = table.chainsByName.get(chainName);
  if (!chain) return undefined;
  const from = (graph?.incoming.get(chainName) ?? []).map((e) => e.from.name);
  return { service: serviceNameOf(chain.rules), address: endpointAddress(table, chainName), from };
}

/** Services whose "has no endpoints" rule kube-proxy wrote (in filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES). */
export function servicesWithoutEndpoints(tables: readonly Table[]): Map<string, Rule> {
  const out = new Map<string, Rule>();
  for (const t of tables) {
    for (const name of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES']) {
      for (const r of t.chainsByName.get(name)?.rules ?? []) {
        for (const c of r.comments) {
          if (!/has no endpoints/.test(c)) continue;
          const n = serviceNameIn(c);
          if (n && !out.has(n)) out.set(n, r);
        }
      }
    }
  }
  return out;
}

export interface PublishedPort {
  /** Host port or range, as the rule matches it. */
  hostPort: string;
  protocol: string;
  /** Host address the rule is limited to, if any. */
  hostAddress?: string;
  /** Container `address:port`. */
  to: string;
  /** The `-i` condition in words ("not from docker0"), if any. */
  from?: string;
  rule: Rule;
}

/** Docker's published ports: the DNAT rules of the nat DOCKER chain. */
export function dockerPublishedPorts(table: Table): PublishedPort[] {
  const chain = table.chainsByName.get('DOCKER');
  if (!chain || table.name !== 'nat') return [];
  const out: PublishedPort[] = [];
  for (const r of chain.rules) {
    if (r.target?.name !== 'DNAT') continue;
    const to = targetOption(r, 'to-destination');
    if (!to) continue;
    let port: string | undefined;
    for (const m of r.matches) {
      const o = m.options.find((x) => x.name === 'dport' || x.name === 'dports');
      if (o?.value) port = o.value;
    }
    const d = optionValue(r, 'destination', 'destination')?.value;
    out.push({
      hostPort: port ?? 'any port',
      protocol: optionValue(r, 'protocol', 'protocol')?.value ?? 'all',
      hostAddress: d ? d.replace(/\/(32|128)$/, '') : undefined,
      to,
      from: (() => {
        const i = optionValue(r, 'in-interface', 'in-interface');
        return i?.value ? `${i.negated ? 'not from' : 'only from'} ${i.value}` : undefined;
      })(),
      rule: r,
    });
  }
  return out;
}
