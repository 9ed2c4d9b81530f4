/**
 * Each diagnostic code on a minimal dump: the code, its severity and the text
 * its range covers. Expected values were checked against iptables-restore
 * 1.8.9 (nf_tables) by hand: every `error` here is a file the kernel refuses,
 * every warning or hint one it loads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from '../../../server/src/checks';
import { Analysis } from '../../../server/src/model/analysis';
import type { Severity } from '../../../server/src/model/types';

interface Case {
  name: string;
  text: string;
  languageId?: string;
  code: string;
  severity: Severity;
  /** The text the diagnostic's range covers. */
  covers: string;
  /** A word the message must contain. */
  says?: string;
}

function covered(text: string, span: { line: number; start: number; endLine: number; end: number }): string {
  const lines = text.split('\n');
  if (span.line === span.endLine) return lines[span.line].slice(span.start, span.end);
  return [lines[span.line].slice(span.start), ...lines.slice(span.line + 1, span.endLine), lines[span.endLine].slice(0, span.end)].join('\n');
}

const F = (body: string) => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${body}COMMIT\n`;
const N = (body: string) => `*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n${body}COMMIT\n`;

const CASES: Case[] = [
  { name: 'jump to a missing chain, with a suggestion', text: F(':WEB - [0:0]\n-A INPUT -j WBE\n'), code: 'undefined-chain', severity: 'error', covers: 'WBE', says: 'did you mean WEB' },
  { name: 'lower-case verdict is a missing chain', text: F('-A INPUT -j accept\n'), code: 'undefined-chain', severity: 'error', covers: 'accept', says: 'ACCEPT' },
  { name: 'jump to a chain of another table', text: F('-A INPUT -j KUBE-SVC\n') + N(':KUBE-SVC - [0:0]\n-A PREROUTING -j KUBE-SVC\n'), code: 'undefined-chain', severity: 'error', covers: 'KUBE-SVC', says: 'only in nat' },
  { name: 'jump to a chain declared after the rule', text: F('-A INPUT -j LATE\n:LATE - [0:0]\n'), code: 'undefined-chain', severity: 'error', covers: 'LATE', says: 'declared only after' },
  { name: 'loop reached from INPUT', text: F(':A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -j B\n-A B -j A\n'), code: 'jump-loop', severity: 'error', covers: 'A', says: 'A → B → A' },
  { name: 'loop closed by the entry jump is named there', text: F(':A - [0:0]\n-A A -j A\n-A INPUT -g A\n'), code: 'jump-loop', severity: 'error', covers: 'A', says: 'INPUT' },
  { name: 'loop nothing reaches', text: F(':A - [0:0]\n:B - [0:0]\n-A A -j B\n-A B -j A\n'), code: 'loop-unreachable', severity: 'warning', covers: 'A' },
  { name: 'sixteen nested jumps', text: F(Array.from({ length: 16 }, (_, i) => `:C${i + 1} - [0:0]\n`).join('') + '-A INPUT -j C1\n' + Array.from({ length: 15 }, (_, i) => `-A C${i + 1} -j C${i + 2}\n`).join('')), code: 'jump-too-deep', severity: 'error', covers: 'C16' },
  { name: 'jump to a built-in chain', text: F('-A INPUT -j OUTPUT\n'), code: 'jump-to-builtin', severity: 'error', covers: 'OUTPUT' },
  { name: 'DNAT in filter', text: F('-A INPUT -j DNAT --to-destination 10.0.0.1\n'), code: 'target-wrong-table', severity: 'error', covers: 'DNAT' },
  { name: 'REJECT in nat', text: N(':X - [0:0]\n-A X -j REJECT\n'), code: 'target-wrong-table', severity: 'error', covers: 'REJECT' },
  { name: 'MASQUERADE in PREROUTING', text: N('-A PREROUTING -j MASQUERADE\n'), code: 'target-wrong-chain', severity: 'error', covers: 'MASQUERADE' },
  { name: 'MASQUERADE in a chain PREROUTING reaches', text: N(':X - [0:0]\n-A PREROUTING -j X\n-A X -j MASQUERADE\n'), code: 'target-wrong-chain', severity: 'error', covers: 'MASQUERADE', says: 'PREROUTING' },
  { name: 'the jump that makes MASQUERADE reachable is named', text: N(':X - [0:0]\n-A X -j MASQUERADE\n-A PREROUTING -j X\n'), code: 'target-wrong-chain', severity: 'error', covers: 'X', says: "line 7" },
  { name: 'owner match in INPUT', text: F('-A INPUT -m owner --uid-owner 0 -j ACCEPT\n'), code: 'target-wrong-chain', severity: 'error', covers: 'owner' },
  { name: '-i in OUTPUT', text: F('-A OUTPUT -i lo -j ACCEPT\n'), code: 'target-wrong-chain', severity: 'error', covers: '-i' },
  { name: 'unknown option', text: F('-A INPUT -p tcp --dprt 22 -j ACCEPT\n'), code: 'unknown-option', severity: 'error', covers: '--dprt' },
  { name: 'port option without -p', text: F('-A INPUT --dport 22 -j ACCEPT\n'), code: 'unknown-option', severity: 'error', covers: '--dport' },
  { name: 'option of the target that it lacks', text: F('-A INPUT -j ACCEPT --log-prefix x\n'), code: 'unknown-option', severity: 'error', covers: '--log-prefix' },
  { name: 'option value missing', text: F('-A INPUT -p tcp --dport -j ACCEPT\n'), code: 'missing-value', severity: 'error', covers: '--dport' },
  { name: 'port out of range', text: F('-A INPUT -p tcp --dport 99999 -j ACCEPT\n'), code: 'bad-value', severity: 'error', covers: '99999' },
  { name: 'unknown conntrack state', text: F('-A INPUT -m conntrack --ctstate NEW,BOGUS -j ACCEPT\n'), code: 'bad-value', severity: 'error', covers: 'NEW,BOGUS', says: 'BOGUS' },
  { name: 'unknown log level', text: F('-A INPUT -j LOG --log-level warn\n'), code: 'bad-value', severity: 'error', covers: 'warn' },
  { name: 'address that is not one', text: F('-A INPUT -s 300.1.2.3 -j DROP\n'), code: 'bad-value', severity: 'error', covers: '300.1.2.3' },
  { name: 'IPv4 address in an IPv6 dump', text: '# Generated by ip6tables-save v1.8.9\n' + F('-A INPUT -s 10.0.0.0/8 -j DROP\n'), code: 'bad-value', severity: 'error', covers: '10.0.0.0/8' },
  { name: 'unknown protocol', text: F('-A INPUT -p tcpx -j ACCEPT\n'), code: 'bad-value', severity: 'error', covers: 'tcpx' },
  { name: 'unquoted comment of two words', text: F('-A INPUT -m comment --comment allow ssh -j ACCEPT\n'), code: 'bad-argument', severity: 'error', covers: 'ssh' },
  { name: 'unknown match', text: F('-A INPUT -m conntrak --ctstate NEW -j ACCEPT\n'), code: 'unknown-match', severity: 'error', covers: 'conntrak' },
  { name: 'IPv4-only match in IPv6', text: '# Generated by ip6tables-save v1.8.9\n' + F('-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT\n'), code: 'unknown-match', severity: 'error', covers: 'icmp' },
  { name: 'chain name of 29 characters', text: F(':ABCDEFGHIJKLMNOPQRSTUVWXYZABC - [0:0]\n'), code: 'chain-name-too-long', severity: 'error', covers: 'ABCDEFGHIJKLMNOPQRSTUVWXYZABC' },
  { name: 'PREROUTING declared in filter', text: F(':PREROUTING - [0:0]\n'), code: 'builtin-chain-wrong-table', severity: 'warning', covers: 'PREROUTING' },
  { name: 'rule in an undeclared chain', text: F('-A PREROUTING -j ACCEPT\n'), code: 'undeclared-chain', severity: 'error', covers: 'PREROUTING' },
  { name: 'unknown table', text: '*filtre\n:INPUT ACCEPT [0:0]\nCOMMIT\n', code: 'unknown-table', severity: 'error', covers: 'filtre' },
  { name: 'missing COMMIT at the end', text: '*filter\n:INPUT ACCEPT [0:0]\n', code: 'missing-commit', severity: 'error', covers: '' },
  { name: 'missing COMMIT before the next table', text: '*filter\n:INPUT ACCEPT [0:0]\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n', code: 'missing-commit', severity: 'error', covers: '*nat' },
  { name: 'chain line before any table', text: ':INPUT ACCEPT [0:0]\n*filter\nCOMMIT\n', code: 'rule-outside-table', severity: 'error', covers: ':INPUT ACCEPT [0:0]' },
  { name: 'invalid policy', text: '*filter\n:INPUT REJECT [0:0]\nCOMMIT\n', code: 'invalid-policy', severity: 'error', covers: 'REJECT' },
  { name: 'malformed chain counters are ignored by the kernel', text: '*filter\n:INPUT ACCEPT [0:x]\nCOMMIT\n', code: 'counters-malformed', severity: 'warning', covers: '[0:x]' },
  { name: '-c with one number', text: F('-A INPUT -j ACCEPT -c 1\n'), code: 'counters-malformed', severity: 'error', covers: '-c 1' },
  { name: 'unreferenced chain', text: F(':IDLE - [0:0]\n-A IDLE -j DROP\n'), code: 'unreferenced-chain', severity: 'hint', covers: 'IDLE' },
  { name: 'rule after an unconditional DROP', text: F('-A INPUT -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\n'), code: 'unreachable-rule', severity: 'warning', covers: '-A INPUT -p tcp --dport 22 -j ACCEPT' },
  { name: 'rule after an unconditional goto', text: F(':X - [0:0]\n-A INPUT -g X\n-A INPUT -j DROP\n'), code: 'unreachable-rule', severity: 'warning', covers: '-A INPUT -j DROP' },
  { name: 'rule shadowed by a wider one', text: F('-A INPUT -s 10.0.0.0/8 -j DROP\n-A INPUT -s 10.1.0.0/16 -p tcp --dport 22 -j ACCEPT\n'), code: 'shadowed-rule', severity: 'warning', covers: '-A INPUT -s 10.1.0.0/16 -p tcp --dport 22 -j ACCEPT' },
  { name: 'jump to an empty chain', text: F(':EMPTY - [0:0]\n-A INPUT -j EMPTY\n'), code: 'empty-chain-jump', severity: 'information', covers: 'EMPTY' },
  { name: 'RETURN in a built-in chain', text: F('-A INPUT -j RETURN\n'), code: 'return-in-builtin', severity: 'information', covers: 'RETURN' },
  { name: 'policy on a user chain', text: F(':X ACCEPT [0:0]\n-A INPUT -j X\n'), code: 'policy-on-user-chain', severity: 'warning', covers: 'ACCEPT' },
  { name: 'chain declared twice', text: F(':X - [0:0]\n:X - [0:0]\n-A INPUT -j X\n'), code: 'duplicate-chain', severity: 'warning', covers: 'X' },
  { name: 'QUEUE is refused by nf_tables', text: F('-A INPUT -j QUEUE\n'), code: 'legacy-only', severity: 'error', covers: 'QUEUE' },
  { name: '! -s 0.0.0.0/0 is refused by nf_tables', text: F('-A INPUT ! -s 0.0.0.0/0 -j ACCEPT\n'), code: 'legacy-only', severity: 'error', covers: '! -s 0.0.0.0/0' },
  { name: 'limit per day overflows legacy', text: F('-A INPUT -m limit --limit 3/day -j ACCEPT\n'), code: 'nft-only', severity: 'warning', covers: '--limit 3/day' },
  { name: 'host name looked up at load time', text: F('-A INPUT -s example.com -j ACCEPT\n'), code: 'hostname-lookup', severity: 'warning', covers: 'example.com' },
  { name: 'ipset that must exist', text: F('-A INPUT -m set --match-set blocked src -j DROP\n'), code: 'external-object', severity: 'warning', covers: 'blocked src' },
  { name: 'unterminated quote is accepted', text: F('-A INPUT -m comment --comment "open -j ACCEPT\n'), code: 'unterminated-quote', severity: 'warning', covers: '"open -j ACCEPT' },
  { name: 'tcp-reset without -p tcp', text: F('-A INPUT -p udp -j REJECT --reject-with tcp-reset\n'), code: 'missing-protocol', severity: 'error', covers: '--reject-with tcp-reset' },
  { name: 'NAT port without a protocol', text: N('-A PREROUTING -j DNAT --to-destination 10.0.0.1:80\n'), code: 'missing-protocol', severity: 'error', covers: '--to-destination 10.0.0.1:80' },
  { name: 'IPv6 NAT port after the bracketed address, without a protocol', text: '# Generated by ip6tables-save v1.8.9\n' + N('-A POSTROUTING -o eth0 -j SNAT --to-source [fd00::1]:80\n'), code: 'missing-protocol', severity: 'error', covers: '--to-source [fd00::1]:80' },
  { name: 'IPv6 NAT port alone, without a protocol', text: '# Generated by ip6tables-save v1.8.9\n' + N('-A POSTROUTING -o eth0 -j SNAT --to-source :80\n'), code: 'missing-protocol', severity: 'error', covers: '--to-source :80' },
  { name: '-m tcp without -p tcp', text: F('-A INPUT -m tcp --dport 22 -j ACCEPT\n'), code: 'missing-protocol', severity: 'error', covers: 'tcp' },
  { name: 'the same option twice', text: F('-A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW --dport 23 -j ACCEPT\n'), code: 'duplicate-option', severity: 'error', covers: '--dport', says: 'twice' },
  { name: 'an option that cannot be negated', text: F('-A INPUT -m limit ! --limit 10/s -j DROP\n'), code: 'bad-negation', severity: 'error', covers: '! --limit 10/s' },
  { name: 'DROP in nat', text: N('-A PREROUTING -j DROP\n'), code: 'target-wrong-table', severity: 'error', covers: 'DROP' },
  { name: 'mark that is not a number', text: F('-A INPUT -m mark --mark zz -j ACCEPT\n'), code: 'bad-value', severity: 'error', covers: 'zz' },
  { name: '-i twice', text: F('-A INPUT -i lo -i eth0 -j ACCEPT\n'), code: 'duplicate-option', severity: 'error', covers: '-i' },
  { name: 'multiport before -p', text: F('-A INPUT -m multiport --dports 1,2 -p tcp -j ACCEPT\n'), code: 'missing-protocol', severity: 'error', covers: 'multiport' },
  { name: 'a target from xtables-addons', text: F('-A INPUT -p tcp -j TARPIT\n'), code: 'unknown-target', severity: 'warning', covers: 'TARPIT' },
  { name: 'an IPv4-only target in ip6tables', text: '# Generated by ip6tables-save v1.8.9\n' + F('-A INPUT -j ULOG --ulog-nlgroup 2\n'), code: 'unknown-target', severity: 'error', covers: 'ULOG', says: 'IPv4' },
  { name: 'an extension current kernels often lack', text: F('-A INPUT -j LED --led-trigger-id x\n'), code: 'extension-unavailable', severity: 'warning', covers: 'LED' },
  { name: 'localhost has no IPv6 address in /etc/hosts', text: '# Generated by ip6tables-save v1.8.9\n' + F('-A INPUT -s localhost -j ACCEPT\n'), code: 'hostname-lookup', severity: 'warning', covers: 'localhost' },
  { name: 'a service name the machine must know', text: F('-A INPUT -p tcp --dport webadmin -j ACCEPT\n'), code: 'unknown-service', severity: 'warning', covers: 'webadmin' },
  { name: 'iptables -S output jumps to a chain it does not show', text: '-P INPUT ACCEPT\n-A INPUT -j DOCKER-USER\n', code: 'truncated-listing', severity: 'warning', covers: 'DOCKER-USER' },
  { name: 'listing jumps to a chain it does not show', languageId: 'iptables-listing', text: 'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\nKUBE-FW    all  --  0.0.0.0/0            0.0.0.0/0\n', code: 'truncated-listing', severity: 'warning', covers: 'KUBE-FW' },
];

for (const c of CASES) {
  test(`${c.code}: ${c.name}`, () => {
    const problems = runChecks(Analysis.of(c.text, c.languageId ?? 'iptables-save'));
    const found = problems.filter((p) => p.code === c.code);
    assert.ok(found.length, `no ${c.code}; got ${problems.map((p) => `${p.code}@${p.span.line + 1}`).join(', ')}`);
    const p = found.find((x) => covered(c.text, x.span) === c.covers) ?? found[0];
    assert.equal(covered(c.text, p.span), c.covers);
    assert.equal(p.severity, c.severity);
    if (c.says) assert.ok(p.message.includes(c.says), p.message);
  });
}

test('a dump the kernel loads gets no error', () => {
  const filter = F('-A INPUT -p tcp --dport ssh -j ACCEPT\n-A INPUT -p tcp ! --syn -m multiport --dports 80,443 -j ACCEPT\n-A INPUT -p tcp -j REJECT --reject-with tcp-reset\n');
  assert.deepEqual(runChecks(Analysis.of(filter, 'iptables-save')).filter((p) => p.severity === 'error').map((p) => p.code), []);
  const text = N(':KUBE-SVC - [0:0]\n:KUBE-SEP - [0:0]\n-A PREROUTING -j KUBE-SVC\n-A OUTPUT -j KUBE-SVC\n-A KUBE-SVC -j KUBE-SEP\n-A KUBE-SEP -p tcp -j DNAT --to-destination 10.0.0.1:80\n-A POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE\n');
  const errors = runChecks(Analysis.of(text, 'iptables-save')).filter((p) => p.severity === 'error');
  assert.deepEqual(errors.map((p) => p.code), []);
  // An IPv6 address without brackets has colons but no port: ip6tables-restore needs no -p for it.
  // Nor is `::5` a port: it is an address.
  const nat6 = '# Generated by ip6tables-save v1.8.9\n' + N('-A POSTROUTING -o eth0 -j SNAT --to-source 1234:5678::1\n-A POSTROUTING -o eth1 -j SNAT --to-source fd34:d0d4:672f::123\n-A POSTROUTING -o eth2 -j SNAT --to-source ::5\n-A POSTROUTING -o eth3 -j SNAT --to-source ::5-::9\n');
  assert.deepEqual(runChecks(Analysis.of(nat6, 'iptables-save')).filter((p) => p.severity === 'error').map((p) => p.code), []);
});

test('settings turn codes off and change severities', () => {
  const text = F(':IDLE - [0:0]\n-A INPUT -j RETURN\n');
  const analysis = Analysis.of(text, 'iptables-save');
  const codes = (s: Parameters<typeof runChecks>[1]) => runChecks(analysis, s).map((p) => `${p.code}:${p.severity}`).sort();
  assert.deepEqual(codes(undefined), ['return-in-builtin:information', 'unreferenced-chain:hint']);
  assert.deepEqual(codes({ disable: ['unreferenced-chain'] }), ['return-in-builtin:information']);
  assert.deepEqual(codes({ severity: { 'return-in-builtin': 'error', 'unreferenced-chain': 'off' } }), ['return-in-builtin:error']);
});
