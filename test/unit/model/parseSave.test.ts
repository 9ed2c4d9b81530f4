import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSave } from '../../../server/src/model/parseSave';
import { tokenizeLine } from '../../../server/src/model/tokenize';
import { asListRules, generateKubeProxy } from '../../support/kubeProxy';

test('tokenizer: double quotes group, backslash escapes inside quotes only, single quotes are ordinary', () => {
  const words = tokenizeLine(`-A X -m comment --comment "it\\'s \\"a\\" b" -j 'q' a\\b`).tokens.map((t) => t.text);
  assert.deepEqual(words, ['-A', 'X', '-m', 'comment', '--comment', `it's "a" b`, '-j', `'q'`, 'a\\b']);
});

test('a rule line becomes matches and a target with spans over their words', () => {
  const line = '-A KUBE-SERVICES ! -s 10.254.0.0/16 -d 10.96.125.27/32 -p tcp -m tcp --dport 8080 -j KUBE-MARK-MASQ';
  const text = `*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n${line}\nCOMMIT\n`;
  const r = parseSave(text);
  assert.deepEqual(r.problems, []);
  const rule = r.tables[0].chainsByName.get('KUBE-SERVICES')!.rules[0];
  const cut = (s: { start: number; end: number }) => line.slice(s.start, s.end);
  assert.deepEqual(rule.matches.map((m) => [m.module, m.negated, cut(m.span)]), [
    ['source', true, '! -s 10.254.0.0/16'],
    ['destination', false, '-d 10.96.125.27/32'],
    ['protocol', false, '-p tcp'],
    ['tcp', false, '-m tcp --dport 8080'],
  ]);
  assert.equal(rule.target!.kind, 'jump');
  assert.equal(cut(rule.target!.nameSpan), 'KUBE-MARK-MASQ');
  assert.equal(cut(rule.chainNameSpan!), 'KUBE-SERVICES');
});

test('-I inserts at its position; counters in both spellings', () => {
  const r = parseSave('*filter\n:INPUT ACCEPT [5:300]\n[1:2] -A INPUT -j DROP\n-I INPUT -s 1.2.3.4 -c 7 8 -j ACCEPT\n-I INPUT 2 -p udp\nCOMMIT\n');
  const rules = r.tables[0].chainsByName.get('INPUT')!.rules;
  assert.deepEqual(rules.map((x) => [x.index, x.target?.name ?? null, x.counters]), [
    [1, 'ACCEPT', { packets: 7, bytes: 8 }],
    [2, null, null],
    [3, 'DROP', { packets: 1, bytes: 2 }],
  ]);
  assert.deepEqual(r.tables[0].chainsByName.get('INPUT')!.counters, { packets: 5, bytes: 300 });
});

test('a [packets:bytes] prefix: the rule spans it, its words keep their columns, a bad pair is still a warning', () => {
  const lines = [
    '[12:3456] -A KUBE-SVC-X -m comment --comment "a b" -m statistic --mode random --probability 0.5 -j KUBE-SEP-Y',
    '[0:0]  -A KUBE-SVC-X -g KUBE-SEP-Y',
    '[1:2]\t-A KUBE-SVC-X -j DROP',
    '[x:2] -A KUBE-SVC-X -j ACCEPT',
  ];
  const r = parseSave(`*nat\n:KUBE-SVC-X - [0:0]\n:KUBE-SEP-Y - [0:0]\n${lines.join('\n')}\nCOMMIT\n`);
  assert.deepEqual(r.problems.map((p) => [p.code, p.span.line, p.span.start, p.span.end]), [['counters-malformed', 6, 0, 5]]);
  const rules = r.tables[0].chainsByName.get('KUBE-SVC-X')!.rules;
  const cut = (i: number, s: { line: number; start: number; end: number }) => {
    assert.equal(s.line, i + 3);
    return lines[i].slice(s.start, s.end);
  };
  assert.deepEqual(rules.map((x, i) => [
    x.index, cut(i, x.span), cut(i, x.chainNameSpan!), x.target!.name, x.target!.kind, cut(i, x.target!.nameSpan), x.counters,
  ]), [
    [1, lines[0], 'KUBE-SVC-X', 'KUBE-SEP-Y', 'jump', 'KUBE-SEP-Y', { packets: 12, bytes: 3456 }],
    [2, lines[1], 'KUBE-SVC-X', 'KUBE-SEP-Y', 'goto', 'KUBE-SEP-Y', { packets: 0, bytes: 0 }],
    [3, lines[2], 'KUBE-SVC-X', 'DROP', 'drop', 'DROP', { packets: 1, bytes: 2 }],
    [4, lines[3], 'KUBE-SVC-X', 'ACCEPT', 'accept', 'ACCEPT', null],
  ]);
  assert.deepEqual(rules[0].matches.map((m) => [m.module, cut(0, m.span)]), [
    ['comment', '-m comment --comment "a b"'],
    ['statistic', '-m statistic --mode random --probability 0.5'],
  ]);
  assert.deepEqual(rules[0].comments, ['a b']);
});

test('iptables -S output without table lines names its table from the built-in chains', () => {
  const r = parseSave('-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n-P OUTPUT ACCEPT\n-P POSTROUTING ACCEPT\n-N KUBE-X\n-A PREROUTING -j KUBE-X\n');
  assert.equal(r.tables.length, 1);
  assert.equal(r.tables[0].name, 'nat');
  assert.equal(r.tables[0].chainsByName.get('PREROUTING')!.rules[0].target!.kind, 'jump');
  assert.deepEqual(r.problems, []);
});

test('a missing COMMIT is reported where iptables-restore names it (after the last line) and the text still parses', () => {
  // iptables-restore 1.8.9 on this input: "COMMIT expected at line 4", i.e. 0-based line 3.
  const r = parseSave('*filter\n:INPUT DROP [0:0]\n-A INPUT -j ACCEPT\n');
  assert.deepEqual(r.problems.map((p) => [p.code, p.span.line]), [['missing-commit', 3]]);
  assert.equal(r.tables[0].chainsByName.get('INPUT')!.rules.length, 1);
});

test('"!" before the next option negates that option, not the flag before it', () => {
  // iptables-save writes `--physdev-is-in ! --physdev-is-out` for a negated second flag.
  const r = parseSave('*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -m physdev --physdev-is-in ! --physdev-is-out -j ACCEPT\n-A FORWARD -p tcp -m tcp --dport ! 22 -j DROP\nCOMMIT\n');
  const [a, b] = r.tables[0].chainsByName.get('FORWARD')!.rules;
  assert.deepEqual(a.matches[0].options.map((o) => [o.name, o.negated, o.value]), [['physdev-is-in', false, null], ['physdev-is-out', true, null]]);
  assert.deepEqual(b.matches[1].options.map((o) => [o.name, o.negated, o.value]), [['dport', true, '22']]);
});

test('counters set inside a rule are found wherever the words sit, and a rule without them has none', () => {
  const r = parseSave('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.1 -c 7 8 -j ACCEPT\n-A INPUT\t-c 1 2\t-j DROP\n-A INPUT --set-counters 3 4 -j DROP\n-A INPUT -m comment --comment "-c 9 9" -j ACCEPT\n-A INPUT -j ACCEPT -c 5 6\nCOMMIT\n');
  const rules = r.tables[0].chainsByName.get('INPUT')!.rules;
  assert.deepEqual(rules.map((x) => x.counters && [x.counters.packets, x.counters.bytes]), [[7, 8], [1, 2], [3, 4], null, [5, 6]]);
});

test('a jump names the chain that exists once the table is read: declared later, or deleted and made again', () => {
  const r = parseSave('*filter\n:A - [0:0]\n:B - [0:0]\n-A B -j A\n-A B -j C\n-X A\n-N A\n:C - [0:0]\nCOMMIT\n');
  const t = r.tables[0];
  const [toA, toC] = t.chainsByName.get('B')!.rules.map((x) => x.target!);
  assert.equal(toA.chain, t.chainsByName.get('A'));
  assert.equal(t.chains.includes(toA.chain!), true);
  assert.equal(toC.chain, t.chainsByName.get('C'));
  assert.deepEqual([toA.kind, toC.kind], ['jump', 'jump']);
});

test('jumps that alternate between chains, and to a same-named chain of another table, each reach their own table\'s chain', () => {
  const r = parseSave(
    '*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n:Y - [0:0]\n-A INPUT -j X\n-A INPUT -j Y\n-A INPUT -j X\n-A INPUT -j Y\nCOMMIT\n' +
    '*nat\n:PREROUTING ACCEPT [0:0]\n:X - [0:0]\n:Y - [0:0]\n-A PREROUTING -j X\n-A PREROUTING -j Y\nCOMMIT\n',
  );
  const [filter, nat] = r.tables;
  const targets = (t: typeof filter, chain: string) => t.chainsByName.get(chain)!.rules.map((x) => x.target!.chain);
  const [fx, fy] = ['X', 'Y'].map((n) => filter.chainsByName.get(n));
  const [nx, ny] = ['X', 'Y'].map((n) => nat.chainsByName.get(n));
  assert.deepEqual(targets(filter, 'INPUT'), [fx, fy, fx, fy]);
  assert.deepEqual(targets(nat, 'PREROUTING'), [nx, ny]);
});

test('a chain named like a target extension is the jump target, as in iptables', () => {
  const r = parseSave('*filter\n:INPUT ACCEPT [0:0]\n:LOG - [0:0]\n-A INPUT -j LOG\n-A INPUT -j DNAT\nCOMMIT\n');
  const [log, dnat] = r.tables[0].chainsByName.get('INPUT')!.rules.map((x) => x.target!);
  assert.equal(log.kind, 'jump');
  assert.equal(log.chain?.name, 'LOG');
  assert.equal(dnat.kind, 'extension');
  assert.equal(dnat.chain, null);
});

test('a line of only a vertical tab or form feed is an error there, not a crash (iptables-restore: "Bad argument `\'" at that line)', () => {
  for (const text of ['*filter\n\v\nCOMMIT\n', '*filter\n \f \nCOMMIT\n', '\v\n*filter\nCOMMIT\n']) {
    const r = parseSave(text);
    const line = text.split('\n').findIndex((l) => /^[ \v\f]+$/.test(l));
    assert.deepEqual(r.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.span.line]), [['syntax', line]], JSON.stringify(text));
  }
});

test('without a header the family comes from the rules, and rules that cannot say IPv6 stay unparsed', () => {
  const v6 = [
    '-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT',
    '-A INPUT -p ICMPV6 --icmpv6-type 1 -j DROP',
    '-A INPUT -p 58 --icmpv6-type 1 -j DROP',
    '-A INPUT -m mh --mh-type 1 -j ACCEPT',
    '-A INPUT -m rt --rt-type 0 -j DROP',
    '-A INPUT -m frag --fragid 5 -j DROP',
    '-A INPUT -m eui64 -j ACCEPT',
    '-A INPUT -s fe80::/10 -j ACCEPT',
    '-A INPUT -s ! fe80::1 -j DROP',
    '-A INPUT ! --dst 2001:db8::1/128 -j DROP',
    '-A INPUT -p tcp -j REJECT --reject-with icmp6-adm-prohibited',
  ];
  const plain = ['-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -i lo -j ACCEPT', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'];
  const dump = (rule: string) => `*filter\n:INPUT ACCEPT [0:0]\n${plain.join('\n')}\n${rule}\nCOMMIT\n`;
  for (const rule of v6) assert.equal(parseSave(dump(rule)).family, 'ipv6', rule);
  // Look-alikes: a colon in a port range, 58 in an interface name, icmp for IPv4; a bare protocol number iptables takes too.
  for (const rule of ['-A INPUT -p 58 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 1024:2048 -j ACCEPT', '-A INPUT -i wlp58s0 -j ACCEPT', '-A INPUT -p icmp -j ACCEPT', '-A INPUT -p icmp -j REJECT --reject-with icmp-host-prohibited']) {
    assert.equal(parseSave(dump(rule)).family, 'ipv4', rule);
  }
  // kube-proxy's comments hold colons and its addresses digits like 58: neither makes a rule worth parsing.
  const r = parseSave(dump('-A INPUT -s 10.58.0.1/32 -m comment --comment "default/web:http" -j ACCEPT'));
  assert.equal(r.family, 'ipv4');
  const rules = r.tables[0].chainsByName.get('INPUT')!.rules as unknown as { isParsed: boolean }[];
  assert.deepEqual(rules.map((x) => x.isParsed), [false, false, false, false]);
});

test('the family guess reads only the arguments of rules still in a chain', () => {
  // IPv6-looking words in a comment line, a chain declaration, a chain name and a rule a later -F took out say nothing.
  const flushed = '# icmp6 -s ::1\n*filter\n:INPUT ACCEPT [0:0]\n:icmp6-in - [0:0]\n-A icmp6-in -j ACCEPT\n-A INPUT -s fe80::/10 -j ACCEPT\n-F INPUT\n-A INPUT -p tcp -j ACCEPT\nCOMMIT\n';
  assert.equal(parseSave(flushed).family, 'ipv4');
  assert.equal(parseSave(flushed.replace('-F INPUT\n', '')).family, 'ipv6');
  // Hints that prove nothing come first; the rule that does is the last line, with no newline after it.
  assert.equal(parseSave('-P INPUT ACCEPT\n-A INPUT -p icmp -j ACCEPT\n-A INPUT -p icmp -m comment --comment "-s a:" -j ACCEPT\n-A INPUT -d 2001:db8::1 -j DROP').family, 'ipv6');
  assert.equal(parseSave('-P INPUT ACCEPT\n-A INPUT -p icmp -j ACCEPT\n-A INPUT -d 192.0.2.1 -j DROP').family, 'ipv4');
});

test('iptables -S output reads into the same chains, rules and targets as the iptables-save dump it lists', () => {
  const { save } = generateKubeProxy({ services: 40, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 7 });
  // One table of the dump as `iptables -t nat -S` prints it: -P for built-in chains, -N for the others, the same -A lines.
  const nat = save.slice(save.indexOf('*nat'), save.indexOf('COMMIT', save.indexOf('*nat')));
  const S = asListRules(save, 'nat').trimEnd().split('\n');
  const fromSave = parseSave(`${nat}COMMIT\n`);
  const fromS = parseSave(`# iptables -t nat -S\n${S.join('\n')}\n`);
  assert.deepEqual(fromS.problems, []);
  assert.equal(fromS.tables.length, 1);
  assert.equal(fromS.tables[0].name, 'nat');
  const shape = (r: ReturnType<typeof parseSave>) => r.tables[0].chains.map((c) => [
    c.name, c.builtin, c.rules.map((x) => [x.index, x.target?.name ?? null, x.target?.kind ?? null, x.target?.chain?.name ?? null, x.chainNameSpan!.start, x.chainNameSpan!.end, x.matches.length]),
  ]);
  const a = shape(fromSave);
  assert.ok(a.reduce((n, c) => n + (c[2] as unknown[]).length, 0) > 200);
  assert.deepEqual(shape(fromS), a);
  // Each chain's spans on its -P or -N line (the header is line 0).
  for (const c of fromS.tables[0].chains) {
    const line = S.findIndex((l) => l.startsWith(`-${c.builtin ? 'P' : 'N'} ${c.name}`)) + 1;
    assert.ok(line > 0, c.name);
    const text = S[line - 1];
    assert.deepEqual(c.declSpan, { line, start: 0, endLine: line, end: text.length }, c.name);
    assert.deepEqual(c.nameSpan, { line, start: 3, endLine: line, end: 3 + c.name.length }, c.name);
    assert.deepEqual(c.policySpan, c.builtin ? { line, start: 4 + c.name.length, endLine: line, end: text.length } : null, c.name);
    assert.equal(c.counters, null);
  }
});

test('a CR, VT or FF inside a rule line parts words as the tokenizer parts them, on the quick path too', () => {
  for (const blank of ['\r', '\v', '\f', '\t']) {
    const r = parseSave(`*filter\n:X - [0:0]\n:L_ - [0:0]\n-A X -j L_${blank}ROP\n-A X${blank}-j ACCEPT\nCOMMIT\n`);
    const rules = r.tables[0].chainsByName.get('X')!.rules;
    const words = tokenizeLine(`-A X -j L_${blank}ROP`).tokens.map((t) => t.text);
    assert.deepEqual(words, ['-A', 'X', '-j', 'L_', 'ROP'], JSON.stringify(blank));
    assert.deepEqual(rules.map((x) => [x.target!.name, x.target!.kind, x.target!.chain?.name ?? null]), [['L_', 'jump', 'L_'], ['ACCEPT', 'accept', null]], JSON.stringify(blank));
  }
});

test('a chain declared twice keeps its first declaration, its rules and its place; the second line is a warning', () => {
  const r = parseSave('*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n:Y - [0:0]\n:X - [0:0]\n-A INPUT -j X\n-A X -j Y\nCOMMIT\n');
  const t = r.tables[0];
  assert.deepEqual(t.chains.map((c) => c.name), ['INPUT', 'X', 'Y', 'FORWARD', 'OUTPUT']);
  const x = t.chainsByName.get('X')!;
  assert.equal(x, t.chains[1]);
  assert.equal(x.declSpan!.line, 2);
  assert.deepEqual(x.rules.map((rule) => rule.target!.name), ['Y']);
  assert.equal(t.chainsByName.get('INPUT')!.rules[0].target!.chain, x);
  assert.deepEqual(r.problems.map((p) => [p.code, p.span.line]), [['duplicate-chain', 4]]);
});

test('an -A line cut short after -A (as while typing) names no chain', () => {
  for (const line of ['-A ', '-A  ', '-A \r', '[1:2] -A ']) {
    const r = parseSave(`*filter\n:INPUT ACCEPT [0:0]\n${line}\nCOMMIT\n`);
    assert.deepEqual(r.tables[0].chains.map((c) => c.name), ['INPUT', 'FORWARD', 'OUTPUT'], JSON.stringify(line));
    assert.deepEqual(r.problems.map((p) => [p.code, p.span.line]), [['missing-value', 2]], JSON.stringify(line));
  }
});
