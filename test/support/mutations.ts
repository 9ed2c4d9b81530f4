/**
 * Deterministic mutations of iptables-save dumps for the kernel agreement
 * test: each takes a loadable-looking dump and breaks it (or changes it in a
 * way the kernel still accepts) the way people and generators do. Mutations
 * work on the text alone, with no help from the project's parser, so the
 * checks are not tested against themselves.
 */

/** A small seeded random generator (mulberry32), so the test set is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

function pick<T>(rng: Rng, items: readonly T[]): T | undefined {
  return items.length ? items[Math.floor(rng() * items.length)] : undefined;
}

/** One table block of a dump as text positions. */
interface Block {
  name: string;
  /** Line of `*name`. */
  start: number;
  /** Line of COMMIT (or -1 when missing). */
  commit: number;
  /** Lines of `:CHAIN` declarations. */
  decls: number[];
  userChains: string[];
  builtins: string[];
  /** Lines of `-A` rules. */
  rules: number[];
}

const BUILTINS: Record<string, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

function blocks(lines: string[]): Block[] {
  const out: Block[] = [];
  let cur: Block | null = null;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('*')) {
      cur = { name: line.slice(1), start: i, commit: -1, decls: [], userChains: [], builtins: [], rules: [] };
      out.push(cur);
    } else if (!cur) {
      return;
    } else if (line === 'COMMIT') {
      cur.commit = i;
      cur = null;
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(/\s+/)[0];
      cur.decls.push(i);
      if ((BUILTINS[cur.name] ?? []).includes(name)) cur.builtins.push(name);
      else cur.userChains.push(name);
    } else if (/^(\[\d+:\d+\]\s+)?-A\s/.test(line)) {
      cur.rules.push(i);
    }
  });
  return out.filter((b) => b.commit >= 0);
}

/** A mutated dump and what was done to it. */
export interface Mutant {
  kind: string;
  text: string;
}

type Mutation = (lines: string[], rng: Rng) => string[] | null;

/** Inserts lines after the last declaration of a block (new chains) and rules before its COMMIT. */
function addToBlock(lines: string[], b: Block, decls: string[], rules: string[]): string[] {
  const out = lines.slice();
  out.splice(b.commit, 0, ...rules);
  const at = b.decls.length ? b.decls[b.decls.length - 1] + 1 : b.start + 1;
  out.splice(at, 0, ...decls);
  return out;
}

function blockWith(lines: string[], rng: Rng, names: string[]): Block | undefined {
  return pick(rng, blocks(lines).filter((b) => names.includes(b.name)));
}

function tag(rng: Rng): string {
  return Math.floor(rng() * 46656).toString(36).toUpperCase().padStart(3, '0');
}

/** Changes one character of a name (drop, double, swap or replace). */
function misspell(name: string, rng: Rng): string {
  const i = Math.floor(rng() * name.length);
  switch (Math.floor(rng() * 3)) {
    case 0: return name.length > 2 ? name.slice(0, i) + name.slice(i + 1) : name + 'X';
    case 1: return name.slice(0, i) + name[i] + name.slice(i);
    default: {
      const c = name[i] === 'Z' ? 'Q' : 'Z';
      return name.slice(0, i) + c + name.slice(i + 1);
    }
  }
}

const jumpRe = /(\s-[jg]\s+)(\S+)/;

const MUTATIONS: Record<string, Mutation> = {
  'delete-commit': (lines, rng) => {
    const b = pick(rng, blocks(lines));
    if (!b) return null;
    const out = lines.slice();
    out.splice(b.commit, 1);
    return out;
  },
  'misspelled-target': (lines, rng) => {
    const candidates: number[] = [];
    for (const b of blocks(lines)) {
      for (const r of b.rules) {
        const m = jumpRe.exec(lines[r]);
        if (m && b.userChains.includes(m[2])) candidates.push(r);
      }
    }
    const r = pick(rng, candidates);
    if (r === undefined) return null;
    const out = lines.slice();
    out[r] = out[r].replace(jumpRe, (_, head, name) => head + misspell(name, rng));
    return out;
  },
  'undefined-target': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} -p tcp --dport 4${Math.floor(rng() * 999)} -j NOPE-${tag(rng)}`]);
  },
  loop: (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    const n = 1 + Math.floor(rng() * 5);
    const id = tag(rng);
    const names = Array.from({ length: n }, (_, i) => `LOOP${id}-${i + 1}`);
    // Gotos count like jumps for the kernel's loop check.
    const rules = names.map((name, i) => `-A ${name} ${rng() < 0.3 ? '-g' : '-j'} ${names[(i + 1) % n]}`);
    const entry = `-A ${pick(rng, b.builtins)} ${rng() < 0.3 ? '-g' : '-j'} ${names[0]}`;
    // Half the loops are entered before they are closed, half after.
    const all = rng() < 0.5 ? [entry, ...rules] : [...rules, entry];
    return addToBlock(lines, b, names.map((x) => `:${x} - [0:0]`), all);
  },
  'loop-unreachable': (lines, rng) => {
    const b = pick(rng, blocks(lines));
    if (!b) return null;
    const id = tag(rng);
    const names = [`ISLE${id}-A`, `ISLE${id}-B`];
    return addToBlock(lines, b, names.map((x) => `:${x} - [0:0]`), [`-A ${names[0]} -j ${names[1]}`, `-A ${names[1]} -j ${names[0]}`]);
  },
  'deep-chain': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    const depth = 14 + Math.floor(rng() * 4);
    const id = tag(rng);
    const names = Array.from({ length: depth }, (_, i) => `D${id}-${i + 1}`);
    const rules = [`-A ${pick(rng, b.builtins)} -j ${names[0]}`, ...names.slice(1).map((x, i) => `-A ${names[i]} ${rng() < 0.3 ? '-g' : '-j'} ${x}`)];
    return addToBlock(lines, b, names.map((x) => `:${x} - [0:0]`), rules);
  },
  'target-wrong-table': (lines, rng) => {
    const options: [string[], string][] = [
      [['filter', 'mangle', 'raw'], '-j DNAT --to-destination 10.9.8.7'],
      [['filter', 'mangle', 'raw'], '-j MASQUERADE'],
      [['filter', 'nat', 'mangle'], '-j CT --notrack'],
      [['filter', 'nat', 'mangle'], '-j NOTRACK'],
      [['filter', 'raw'], '-j SNAT --to-source 10.9.8.7'],
    ];
    const [tables, target] = pick(rng, options)!;
    const b = blockWith(lines, rng, tables);
    if (!b) return null;
    const chain = pick(rng, [...b.builtins, ...b.userChains]);
    if (!chain) return null;
    return addToBlock(lines, b, [], [`-A ${chain} ${target}`]);
  },
  'target-wrong-chain': (lines, rng) => {
    const options: [string, string, string][] = [
      ['nat', 'PREROUTING', '-j MASQUERADE'],
      ['nat', 'POSTROUTING', '-j DNAT --to-destination 10.9.8.7'],
      ['nat', 'INPUT', '-j REDIRECT'],
      ['nat', 'OUTPUT', '-j SNAT --to-source 10.9.8.7'],
      ['filter', 'INPUT', '-m owner --uid-owner 0 -j ACCEPT'],
      ['raw', 'PREROUTING', '-j CT --notrack'],
      ['nat', 'PREROUTING', '-j REJECT'],
      ['filter', 'OUTPUT', '-i lo -j ACCEPT'],
      ['filter', 'INPUT', '-o lo -j ACCEPT'],
    ];
    const [table, hook, target] = pick(rng, options)!;
    const b = blockWith(lines, rng, [table]);
    if (!b) return null;
    // Directly in the built-in chain, or through a user chain it jumps to (jump first or last).
    const via = rng() < 0.5 ? null : `VIA${tag(rng)}`;
    if (!via) return addToBlock(lines, b, [], [`-A ${hook} ${target}`]);
    const jump = `-A ${hook} -j ${via}`;
    const rule = `-A ${via} ${target}`;
    return addToBlock(lines, b, [`:${via} - [0:0]`], rng() < 0.5 ? [jump, rule] : [rule, jump]);
  },
  'unknown-option': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    const rule = pick(rng, ['-p tcp --dprt 22 -j ACCEPT', '-p udp --dport 53 --bogus -j ACCEPT', '-m conntrack --cstate NEW -j ACCEPT', '--dport 80 -j ACCEPT', '-j ACCEPT --log-prefix x', '-p all --dport 1 -j DROP']);
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} ${rule}`]);
  },
  'missing-value': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    const rule = pick(rng, ['-p tcp --dport -j ACCEPT', '-s -j DROP', '-m comment --comment -j ACCEPT', '-p tcp -m multiport --dports -j ACCEPT', '-j', '-m', '-i -j ACCEPT']);
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} ${rule}`]);
  },
  'bad-value': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    const rule = pick(rng, [
      '-p tcp --dport 99999 -j ACCEPT', '-s 300.1.2.3 -j DROP', '-m conntrack --ctstate NEWISH -j ACCEPT',
      '-p tcpx -j ACCEPT', '-j LOG --log-level warn', '-d 10.0.0.0/33 -j DROP', '-m state --state ESTABLISHED,BOGUS -j ACCEPT',
      '-p tcp --sport 10:99999 -j ACCEPT', '-m addrtype --dst-type LOCALISH -j ACCEPT', '-m pkttype --pkt-type somecast -j DROP',
      '-m mark --mark zz -j ACCEPT', '-m mark --mark 0x1ffffffff -j ACCEPT', '-m tos --tos Minimize-Delay -j ACCEPT', '-j MARK --set-xmark 0x10/0xff',
    ]);
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} ${rule}`]);
  },
  'unknown-match': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} -m ${pick(rng, ['nosuchmatch', 'conntrak', 'tcpp', 'commentt'])} -j ACCEPT`]);
  },
  'unquoted-comment': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} -m comment --comment allow ${pick(rng, ['web traffic', 'ssh', 'the rest'])} -j ACCEPT`]);
  },
  'too-long-name': (lines, rng) => {
    const b = pick(rng, blocks(lines));
    if (!b) return null;
    const len = 27 + Math.floor(rng() * 4);
    const name = ('LONG' + tag(rng) + 'X'.repeat(40)).slice(0, len);
    const rules = b.builtins.length ? [`-A ${pick(rng, b.builtins)} -j ${name}`] : [];
    return addToBlock(lines, b, [`:${name} - [0:0]`], rules);
  },
  'wrong-builtin': (lines, rng) => {
    const b = blockWith(lines, rng, ['filter', 'raw', 'security']);
    if (!b) return null;
    const missing = ['PREROUTING', 'POSTROUTING', 'INPUT', 'FORWARD'].filter((c) => !(BUILTINS[b.name] ?? []).includes(c));
    const chain = pick(rng, missing)!;
    return rng() < 0.5 ? addToBlock(lines, b, [`:${chain} ACCEPT [0:0]`], []) : addToBlock(lines, b, [], [`-A ${chain} -j ACCEPT`]);
  },
  'broken-counters': (lines, rng) => {
    const b = pick(rng, blocks(lines));
    if (!b || !b.decls.length) return null;
    const out = lines.slice();
    const choice = Math.floor(rng() * 3);
    if (choice === 0) {
      const d = pick(rng, b.decls)!;
      out[d] = out[d].replace(/\[\d+:\d+\]/, '[0:x]');
      return out;
    }
    if (choice === 1 && b.rules.length) {
      const r = pick(rng, b.rules)!;
      out[r] = out[r].replace(/^\s*(\[\d+:\d+\]\s+)?-A/, '[1:y] -A');
      return out;
    }
    if (!b.builtins.length) return null;
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} -j ACCEPT -c 1`]);
  },
  'policy-on-user-chain': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.userChains.length));
    if (!b) return null;
    const out = lines.slice();
    const d = b.decls.find((i) => out[i].trim().startsWith(`:${b.userChains[0]} `));
    if (d === undefined) return null;
    out[d] = out[d].replace(/^(\s*:\S+\s+)-/, `$1${pick(rng, ['ACCEPT', 'DROP'])}`);
    return out;
  },
  'invalid-policy': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    const out = lines.slice();
    const d = b.decls.find((i) => b.builtins.some((c) => out[i].trim().startsWith(`:${c} `)))!;
    out[d] = out[d].replace(/^(\s*:\S+\s+)\S+/, `$1${pick(rng, ['REJECT', 'RETURN', 'accept', 'DENY'])}`);
    return out;
  },
  'unknown-table': (lines, rng) => {
    const b = pick(rng, blocks(lines));
    if (!b) return null;
    const out = lines.slice();
    out[b.start] = out[b.start].replace(/\*(\w+)/, (_, n) => `*${misspell(n, rng)}`);
    return out;
  },
  'undeclared-chain': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.userChains.length));
    if (!b) return null;
    const name = pick(rng, b.userChains)!;
    const out = lines.slice();
    const d = b.decls.find((i) => out[i].trim().startsWith(`:${name} `))!;
    out.splice(d, 1);
    return out;
  },
  'duplicate-chain': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.userChains.length));
    if (!b) return null;
    return addToBlock(lines, b, [`:${pick(rng, b.userChains)} - [0:0]`], []);
  },
  'jump-to-builtin': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length > 1));
    if (!b) return null;
    return addToBlock(lines, b, [], [`-A ${b.builtins[0]} -j ${b.builtins[1]}`]);
  },
  'queue-target': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    return addToBlock(lines, b, [], [`-A ${pick(rng, b.builtins)} -p tcp --dport 9999 -j QUEUE`]);
  },
  'chain-line-outside-table': (lines, rng) => {
    const b = pick(rng, blocks(lines));
    if (!b || !b.decls.length) return null;
    const out = lines.slice();
    const [d] = out.splice(pick(rng, b.decls)!, 1);
    out.unshift(d);
    return out;
  },
  'unreachable-rule': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.userChains.length));
    if (!b) return null;
    const chain = pick(rng, b.userChains)!;
    return addToBlock(lines, b, [], [`-A ${chain} -j RETURN`, `-A ${chain} -p tcp --dport 22 -j ACCEPT`]);
  },
  'valid-rules': (lines, rng) => {
    // Rules the kernel accepts, in forms the checks must not mistake for errors.
    const b = blockWith(lines, rng, ['filter']);
    if (!b) return null;
    const chain = pick(rng, b.builtins.filter((c) => c === 'INPUT' || c === 'FORWARD')) ?? b.builtins[0];
    if (!chain) return null;
    const v6 = lines.some((l) => /ip6tables|::/.test(l));
    const rules = [
      '-p tcp --dport ssh -j ACCEPT', '-p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT',
      '-m limit --limit 5/min --limit-burst 10 -j LOG --log-prefix "in: " --log-level 4', '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-p tcp --tcp-flags SYN,ACK SYN -j DROP', '-p tcp --syn -m connlimit --connlimit-above 10 -j REJECT --reject-with tcp-reset',
      '-m addrtype --dst-type LOCAL -j ACCEPT', '-m mark --mark 0x1/0xff -j ACCEPT', '-i eth+ -j ACCEPT',
      '-m recent --name x --rcheck --seconds 60 -j DROP', '-m hashlimit --hashlimit-upto 10/sec --hashlimit-name h1 -j ACCEPT',
      '-m string --string foo --algo bm -j DROP', '-m pkttype --pkt-type broadcast -j DROP', '-m length --length 0:100 -j ACCEPT',
      '-p udp -m udp --sport 53 -m comment --comment "dns replies" -j ACCEPT', '-p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT',
      '-m mac --mac-source 00:11:22:33:44:55 -j ACCEPT', '-p tcp -j REJECT --reject-with tcp-reset', '-m statistic --mode random --probability 0.5 -j ACCEPT',
      ...(v6 ? ['-s 2001:db8::/32 -j DROP', '-p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT'] : ['-s localhost -j ACCEPT', '! -s 10.0.0.0/8 -p udp -j ACCEPT', '-p icmp --icmp-type echo-request -j ACCEPT', '-m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT', '-f -j DROP']),
    ];
    const chosen = Array.from({ length: 4 }, () => pick(rng, rules)!);
    return addToBlock(lines, b, [], chosen.map((r) => `-A ${chain} ${r}`));
  },
  'protocol-needed': (lines, rng) => {
    const options: [string, string][] = [
      ['filter', '-A INPUT -p udp -j REJECT --reject-with tcp-reset'],
      ['nat', '-A POSTROUTING -j MASQUERADE --to-ports 1000-2000'],
      ['nat', '-A PREROUTING -j DNAT --to-destination 10.1.2.3:80'],
      ['nat', '-A PREROUTING -p tcp -j DNAT --to-destination 10.1.2.3:80'],
      ['mangle', '-A FORWARD -j TCPMSS --clamp-mss-to-pmtu'],
      ['mangle', '-A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu'],
      ['mangle', '-A FORWARD -p tcp -j TCPMSS --set-mss 1400'],
      ['mangle', '-A POSTROUTING -p tcp --syn -j TCPMSS --set-mss 1400'],
      ['filter', '-A INPUT -p tcp --dport 1 -j SET --map-set s1 src --map-mark'],
      ['filter', '-A INPUT -m tcp --dport 22 -j ACCEPT'],
      ['filter', '-A INPUT -p udp -m tcp --dport 22 -j ACCEPT'],
      ['filter', '-A INPUT -m multiport --dports 1,2 -j ACCEPT'],
      ['filter', '-A INPUT -m multiport --dports 1,2 -p tcp -j ACCEPT'],
      ['filter', '-A INPUT -m multiport -p tcp --dports 1,2 -j ACCEPT'],
      ['filter', '-A INPUT -m tcp --dport 22 -p tcp -j ACCEPT'],
      ['filter', '-A INPUT -p 6 -m multiport --dports 1,2 -j ACCEPT'],
      ['filter', '-A INPUT -m esp --espspi 1 -j ACCEPT'],
      ['filter', '-A INPUT -m tcpmss --mss 1:500 -j DROP'],
      ['filter', '-A INPUT -p tcp -m tcpmss --mss 1:500 -j DROP'],
    ];
    const [table, rule] = pick(rng, options)!;
    const b = blockWith(lines, rng, [table]);
    return b ? addToBlock(lines, b, [], [rule]) : null;
  },
  'duplicate-option': (lines, rng) => {
    const b = blockWith(lines, rng, ['filter']);
    if (!b || !b.builtins.includes('INPUT')) return null;
    return addToBlock(lines, b, [], [`-A INPUT ${pick(rng, ['-i lo -i eth0 -j ACCEPT', '-s 10.0.0.1 -s 10.0.0.2 -j DROP', '-p tcp --dport 22 -m conntrack --ctstate NEW --dport 23 -j ACCEPT', '-p tcp -m multiport --dports 22 --dports 23 -j ACCEPT', '-m conntrack --ctstate NEW --ctstate ESTABLISHED -j ACCEPT'])}`]);
  },
  'stray-words': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.rules.length));
    if (!b) return null;
    const out = lines.slice();
    const r = pick(rng, b.rules)!;
    out[r] = out[r].replace(/\s*$/, pick(rng, [' # trailing note', ' --comment', ' extra'])!);
    return out;
  },
  'open-quote': (lines, rng) => {
    const b = blockWith(lines, rng, ['filter']);
    if (!b || !b.builtins.includes('INPUT')) return null;
    return addToBlock(lines, b, [], ['-A INPUT -p tcp --dport 81 -m comment --comment "never closed -j ACCEPT']);
  },
  'bad-negation': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    const rule = pick(rng, ['-m limit ! --limit 10/s -j DROP', '! -m tcp -j ACCEPT', '-j ACCEPT !', '-p tcp ! --syn -j ACCEPT', '-m conntrack ! --ctstate NEW -j ACCEPT', '-p tcp -m tcp ! --dport 22 -j DROP', '-m comment ! --comment x -j ACCEPT', '-m mark ! --mark 0x1 -j ACCEPT', '-m statistic --mode random ! --probability 0.5 -j ACCEPT']);
    return addToBlock(lines, b, [], [`-A ${b.builtins[0]} ${rule}`]);
  },
  'uncommon-extension': (lines, rng) => {
    const b = blockWith(lines, rng, ['filter']);
    if (!b || !b.builtins.includes('INPUT')) return null;
    return addToBlock(lines, b, [], [`-A INPUT ${pick(rng, ['-p tcp -j TARPIT', '-j ULOG --ulog-nlgroup 2', '-p udp -m l2tp --tid 10 -j ACCEPT', '-j LED --led-trigger-id x', '-m ipvs --ipvs -j ACCEPT', '-j TTL --ttl-set 5', '-j HL --hl-set 5', '-j ULOG'])}`]);
  },
  'bad-insert-index': (lines, rng) => {
    const b = pick(rng, blocks(lines).filter((x) => x.builtins.length));
    if (!b) return null;
    return addToBlock(lines, b, [], [`-I ${b.builtins[0]} ${500 + Math.floor(rng() * 100)} -j ACCEPT`]);
  },
};

/** The kinds of mutation, in a fixed order. */
export const MUTATION_KINDS: readonly string[] = Object.keys(MUTATIONS);

/**
 * Mutants of a dump: `perKind` attempts of each mutation kind asked for (all
 * by default), skipping the ones that do not apply to this dump (no user
 * chains, no nat table…).
 */
export function mutate(text: string, seed: number, kinds: readonly string[] = MUTATION_KINDS, perKind = 1): Mutant[] {
  const rng = seeded(seed);
  const lines = text.split('\n');
  const out: Mutant[] = [];
  for (const kind of kinds) {
    for (let i = 0; i < perKind; i++) {
      const result = MUTATIONS[kind](lines, rng);
      if (result) out.push({ kind, text: result.join('\n') });
    }
  }
  return out;
}
