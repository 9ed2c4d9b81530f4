/**
 * Generates kube-proxy style dumps (iptables mode) for tests and benchmarks:
 * chain names derived the way kube-proxy derives them (SHA-256 of the service
 * port name and protocol, base32, first 16 characters), statistic
 * probabilities as the kernel stores and iptables-save prints them, and the
 * same ruleset as an `iptables -t nat -nvL` / `-t filter -nvL` listing.
 */
import { createHash } from 'crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** kube-proxy's hash: base32(sha256(parts…))[:16]. */
export function kubeHash(...parts: string[]): string {
  return base32(createHash('sha256').update(parts.join('')).digest()).slice(0, 16);
}

export interface ServiceSpec {
  namespace: string;
  name: string;
  port: string;
  protocol: 'tcp' | 'udp';
  clusterIP: string;
  servicePort: number;
  nodePort?: number;
  endpoints: { ip: string; port: number }[];
}

export interface KubeProxyOptions {
  services: number;
  endpointsPerService: number;
  /** Every Nth service gets a NodePort (0: none). */
  nodePortEvery?: number;
  /** Every Nth service has no endpoints (0: none). */
  noEndpointsEvery?: number;
  clusterCIDR?: string;
}

function ip(base: [number, number], n: number): string {
  return `${base[0]}.${base[1]}.${(n >> 8) & 255}.${n & 255}`;
}

/** Deterministic service specs: cluster IPs in 10.96/16, pods in 10.244/16. */
export function kubeServices(opts: KubeProxyOptions): ServiceSpec[] {
  const out: ServiceSpec[] = [];
  let pod = 2;
  for (let i = 0; i < opts.services; i++) {
    const noEndpoints = opts.noEndpointsEvery ? i % opts.noEndpointsEvery === opts.noEndpointsEvery - 1 : false;
    const endpoints = noEndpoints ? [] : Array.from({ length: opts.endpointsPerService }, () => ({ ip: ip([10, 244], pod++), port: 8080 }));
    out.push({
      namespace: `ns${i % 50}`,
      name: `svc-${i}`,
      port: 'http',
      protocol: i % 7 === 3 ? 'udp' : 'tcp',
      clusterIP: ip([10, 96], i + 10),
      servicePort: 80 + (i % 3),
      nodePort: opts.nodePortEvery && i % opts.nodePortEvery === 0 ? 30000 + (i % 2768) : undefined,
      endpoints,
    });
  }
  return out;
}

/** The probability kube-proxy asks for, as the kernel stores it (31-bit fraction) and iptables-save prints it. */
export function savedProbability(p: number): string {
  const stored = Math.round(p * 0x80000000);
  return (stored / 0x80000000).toFixed(11);
}

interface GenRule {
  table: 'nat' | 'filter';
  chain: string;
  /** Save-syntax match words (after -A CHAIN). */
  save: string;
  /** Listing columns. */
  prot: string;
  source: string;
  dest: string;
  text: string;
  target: string;
  targetSave: string;
  targetText: string;
}

function rulesFor(services: ServiceSpec[], clusterCIDR: string): { chains: Record<'nat' | 'filter', string[]>; rules: GenRule[] } {
  const rules: GenRule[] = [];
  const nat = new Set(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']);
  const filter = new Set(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-FORWARD', 'KUBE-EXTERNAL-SERVICES', 'KUBE-PROXY-FIREWALL']);
  const r = (x: Partial<GenRule> & Pick<GenRule, 'table' | 'chain' | 'target'>): void => {
    rules.push({ save: '', prot: '0', source: '0.0.0.0/0', dest: '0.0.0.0/0', text: '', targetSave: `-j ${x.target}`, targetText: '', ...x });
  };
  const protoNum = (p: string) => (p === 'tcp' ? '6' : '17');
  r({ table: 'nat', chain: 'PREROUTING', save: '-m comment --comment "kubernetes service portals"', text: ' /* kubernetes service portals */', target: 'KUBE-SERVICES' });
  r({ table: 'nat', chain: 'OUTPUT', save: '-m comment --comment "kubernetes service portals"', text: ' /* kubernetes service portals */', target: 'KUBE-SERVICES' });
  r({ table: 'nat', chain: 'POSTROUTING', save: '-m comment --comment "kubernetes postrouting rules"', text: ' /* kubernetes postrouting rules */', target: 'KUBE-POSTROUTING' });
  r({ table: 'nat', chain: 'KUBE-MARK-MASQ', target: 'MARK', targetSave: '-j MARK --set-xmark 0x4000/0x4000', targetText: ' MARK or 0x4000' });
  r({ table: 'nat', chain: 'KUBE-POSTROUTING', save: '-m mark ! --mark 0x4000/0x4000', text: ' mark match ! 0x4000/0x4000', target: 'RETURN' });
  r({ table: 'nat', chain: 'KUBE-POSTROUTING', target: 'MARK', targetSave: '-j MARK --set-xmark 0x4000/0x0', targetText: ' MARK xor 0x4000' });
  r({ table: 'nat', chain: 'KUBE-POSTROUTING', save: '-m comment --comment "kubernetes service traffic requiring SNAT"', text: ' /* kubernetes service traffic requiring SNAT */', target: 'MASQUERADE', targetSave: '-j MASQUERADE --random-fully', targetText: ' random-fully' });
  r({ table: 'filter', chain: 'INPUT', save: '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall"', text: ' ctstate NEW /* kubernetes load balancer firewall */', target: 'KUBE-PROXY-FIREWALL' });
  r({ table: 'filter', chain: 'INPUT', save: '-m comment --comment "kubernetes health check service ports"', text: ' /* kubernetes health check service ports */', target: 'KUBE-NODEPORTS' });
  r({ table: 'filter', chain: 'INPUT', save: '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals"', text: ' ctstate NEW /* kubernetes externally-visible service portals */', target: 'KUBE-EXTERNAL-SERVICES' });
  r({ table: 'filter', chain: 'FORWARD', save: '-m comment --comment "kubernetes forwarding rules"', text: ' /* kubernetes forwarding rules */', target: 'KUBE-FORWARD' });
  r({ table: 'filter', chain: 'FORWARD', save: '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals"', text: ' ctstate NEW /* kubernetes service portals */', target: 'KUBE-SERVICES' });
  r({ table: 'filter', chain: 'OUTPUT', save: '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals"', text: ' ctstate NEW /* kubernetes service portals */', target: 'KUBE-SERVICES' });
  r({ table: 'filter', chain: 'KUBE-FORWARD', save: '-m conntrack --ctstate INVALID', text: ' ctstate INVALID', target: 'DROP' });
  r({ table: 'filter', chain: 'KUBE-FORWARD', save: '-m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000', text: ' /* kubernetes forwarding rules */ mark match 0x4000/0x4000', target: 'ACCEPT' });
  r({ table: 'filter', chain: 'KUBE-FORWARD', save: '-m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED', text: ' /* kubernetes forwarding conntrack rule */ ctstate RELATED,ESTABLISHED', target: 'ACCEPT' });

  const nodePortRules: GenRule[] = [];
  for (const s of services) {
    const spn = `${s.namespace}/${s.name}:${s.port}`;
    const svc = `KUBE-SVC-${kubeHash(spn, s.protocol)}`;
    const ext = `KUBE-EXT-${kubeHash(spn, s.protocol)}`;
    const p = s.protocol;
    const dport = `-m ${p} --dport ${s.servicePort}`;
    if (s.endpoints.length === 0) {
      r({
        table: 'filter', chain: 'KUBE-SERVICES', save: `-d ${s.clusterIP}/32 -p ${p} -m comment --comment "${spn} has no endpoints" ${dport}`,
        prot: protoNum(p), dest: s.clusterIP, text: ` /* ${spn} has no endpoints */ ${p} dpt:${s.servicePort}`,
        target: 'REJECT', targetSave: '-j REJECT --reject-with icmp-port-unreachable', targetText: ' reject-with icmp-port-unreachable',
      });
      continue;
    }
    nat.add(svc);
    r({
      table: 'nat', chain: 'KUBE-SERVICES', save: `-d ${s.clusterIP}/32 -p ${p} -m comment --comment "${spn} cluster IP" ${dport}`,
      prot: protoNum(p), dest: s.clusterIP, text: ` /* ${spn} cluster IP */ ${p} dpt:${s.servicePort}`, target: svc,
    });
    if (s.nodePort !== undefined) {
      nat.add(ext);
      nodePortRules.push({
        table: 'nat', chain: 'KUBE-NODEPORTS', save: `-p ${p} -m comment --comment "${spn}" -m ${p} --dport ${s.nodePort}`,
        prot: protoNum(p), source: '0.0.0.0/0', dest: '0.0.0.0/0', text: ` /* ${spn} */ ${p} dpt:${s.nodePort}`,
        target: ext, targetSave: `-j ${ext}`, targetText: '',
      });
      r({ table: 'nat', chain: ext, save: `-m comment --comment "masquerade traffic for ${spn} external destinations"`, text: ` /* masquerade traffic for ${spn} external destinations */`, target: 'KUBE-MARK-MASQ' });
      r({ table: 'nat', chain: ext, target: svc });
    }
    r({
      table: 'nat', chain: svc, save: `! -s ${clusterCIDR} -d ${s.clusterIP}/32 -p ${p} -m comment --comment "${spn} cluster IP" ${dport}`,
      prot: protoNum(p), source: `!${clusterCIDR}`, dest: s.clusterIP, text: ` /* ${spn} cluster IP */ ${p} dpt:${s.servicePort}`, target: 'KUBE-MARK-MASQ',
    });
    const n = s.endpoints.length;
    s.endpoints.forEach((e, i) => {
      const ep = `${e.ip}:${e.port}`;
      const sep = `KUBE-SEP-${kubeHash(spn, s.protocol, ep)}`;
      nat.add(sep);
      const last = i === n - 1;
      const prob = savedProbability(1 / (n - i));
      r({
        table: 'nat', chain: svc,
        save: `-m comment --comment "${spn} -> ${ep}"` + (last ? '' : ` -m statistic --mode random --probability ${prob}`),
        text: ` /* ${spn} -> ${ep} */` + (last ? '' : ` statistic mode random probability ${prob}`), target: sep,
      });
      r({ table: 'nat', chain: sep, save: `-s ${e.ip}/32 -m comment --comment "${spn}"`, source: e.ip, text: ` /* ${spn} */`, target: 'KUBE-MARK-MASQ' });
      r({
        table: 'nat', chain: sep, save: `-p ${p} -m comment --comment "${spn}" -m ${p}`, prot: protoNum(p), text: ` /* ${spn} */ ${p}`,
        target: 'DNAT', targetSave: `-j DNAT --to-destination ${ep}`, targetText: ` to:${ep}`,
      });
    });
  }
  rules.push(...nodePortRules);
  r({
    table: 'nat', chain: 'KUBE-SERVICES', save: '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL',
    text: ' /* kubernetes service nodeports; NOTE: this must be the last rule in this chain */ ADDRTYPE match dst-type LOCAL', target: 'KUBE-NODEPORTS',
  });
  return { chains: { nat: [...nat], filter: [...filter] }, rules };
}

const BUILTINS = { filter: ['INPUT', 'FORWARD', 'OUTPUT'], nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'] } as const;

/** Chains in iptables-save order: built-ins in hook order, then user chains by byte value. */
function ordered(table: 'nat' | 'filter', user: string[]): string[] {
  return [...BUILTINS[table], ...[...user].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
}

function byChain(rules: GenRule[], table: 'nat' | 'filter'): Map<string, GenRule[]> {
  const m = new Map<string, GenRule[]>();
  for (const r of rules) {
    if (r.table !== table) continue;
    const list = m.get(r.chain);
    if (list) list.push(r);
    else m.set(r.chain, [r]);
  }
  return m;
}

export interface KubeProxyDump {
  services: ServiceSpec[];
  /** iptables-save form (filter then nat), as iptables-save 1.8.9 prints it. */
  save: string;
  /** `iptables -t filter -nvL` then `iptables -t nat -nvL`, each after a prompt line naming the table. */
  listing: string;
  ruleCount: number;
  chainCount: number;
}

function pad(s: string, n: number, right = false): string {
  return s.length >= n ? s : right ? ' '.repeat(n - s.length) + s : s + ' '.repeat(n - s.length);
}

function row(r: GenRule): string {
  const neg = (v: string) => (v.startsWith('!') ? ['!', v.slice(1)] : [' ', v]);
  const [sf, src] = neg(r.source);
  const [df, dst] = neg(r.dest);
  return `${pad('0', 5, true)} ${pad('0', 5, true)} ${pad(r.target, 9)}  ${pad(r.prot, 4)} --  ${pad('*', 6)} ${pad('*', 6)} ${sf}${pad(src, 19)} ${df}${pad(dst, 19)} ${r.text}${r.targetText}`;
}

/** Builds the dump for the given size. */
export function generateKubeProxy(opts: KubeProxyOptions): KubeProxyDump {
  const services = kubeServices(opts);
  const { chains, rules } = rulesFor(services, opts.clusterCIDR ?? '10.244.0.0/16');
  const save: string[] = [];
  const listing: string[] = [];
  let chainCount = 0;
  for (const table of ['filter', 'nat'] as const) {
    const names = ordered(table, chains[table]);
    const grouped = byChain(rules, table);
    chainCount += names.length;
    save.push('# Generated by iptables-save v1.8.9 (nf_tables) on Thu Nov 26 10:00:00 2026', `*${table}`);
    for (const c of names) save.push(`:${c} ${c === c.toUpperCase() && (BUILTINS[table] as readonly string[]).includes(c) ? 'ACCEPT' : '-'} [0:0]`);
    for (const c of names) {
      for (const r of grouped.get(c) ?? []) save.push(`-A ${c} ${r.save ? r.save + ' ' : ''}${r.targetSave}`.replace(/\s+$/, ''));
    }
    save.push('COMMIT', '# Completed on Thu Nov 26 10:00:00 2026');
    const refs = new Map<string, number>();
    for (const r of rules) if (r.table === table) refs.set(r.target, (refs.get(r.target) ?? 0) + 1);
    listing.push(`[root@node-1 ~]# iptables -t ${table} -nvL`);
    names.forEach((c, i) => {
      const builtin = (BUILTINS[table] as readonly string[]).includes(c);
      listing.push(builtin ? `Chain ${c} (policy ACCEPT 0 packets, 0 bytes)` : `Chain ${c} (${refs.get(c) ?? 0} references)`);
      listing.push(' pkts bytes target     prot opt in     out     source               destination         ');
      for (const r of grouped.get(c) ?? []) listing.push(row(r));
      if (i < names.length - 1) listing.push('');
    });
  }
  return { services, save: save.join('\n') + '\n', listing: listing.join('\n') + '\n', ruleCount: rules.length, chainCount };
}

/** A save dump as `iptables-save -c` writes it: `[packets:bytes]` before every rule. */
export function withCounters(save: string): string {
  let n = 0;
  return save.replace(/^-A /gm, () => `[${n++}:${n * 60}] -A `);
}

/** One table of a save dump as `iptables -t TABLE -S` prints it: no header or table lines, -P and -N for the chain lines. */
export function asListRules(save: string, table: string): string {
  const start = save.indexOf(`*${table}\n`);
  const block = save.slice(start, save.indexOf('\nCOMMIT', start)).split('\n').slice(1);
  return block.map((l) => l.replace(/^:(\S+) (\S+) \S+$/, (_, name: string, policy: string) => (policy === '-' ? `-N ${name}` : `-P ${name} ${policy}`))).join('\n') + '\n';
}
