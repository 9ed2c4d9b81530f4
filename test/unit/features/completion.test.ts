import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TextEdit } from 'vscode-languageserver';
import { Analysis } from '../../../server/src/model/analysis';
import { completion } from '../../../server/src/features/completion';
import { cursor, textOf } from '../../support/cursor';

function complete(marked: string, languageId = 'iptables-save') {
  const c = cursor(marked);
  const items = completion(Analysis.of(c.text, languageId), c.line, c.character);
  return { items, labels: items.map((i) => i.label), c };
}

function docOf(item: { documentation?: unknown }): string {
  const d = item.documentation;
  return typeof d === 'string' ? d : (d as { value?: string } | undefined)?.value ?? '';
}

const nat = (rule: string) => `*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n${rule}\nCOMMIT\n`;
const filter = (rule: string) => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:MYCHAIN - [0:0]\n${rule}\nCOMMIT\n`;

test('after -j: the table\'s user chains and the targets legal in this table and chain', () => {
  const pre = complete(nat('-A PREROUTING -p tcp -j $0')).labels;
  for (const want of ['KUBE-SERVICES', 'ACCEPT', 'DNAT', 'REDIRECT', 'MARK', 'LOG']) assert.ok(pre.includes(want), want);
  // SNAT and MASQUERADE belong to POSTROUTING; REJECT to filter; CT to raw; built-in chains are not jump targets.
  for (const not of ['SNAT', 'MASQUERADE', 'REJECT', 'CT', 'PREROUTING', 'POSTROUTING']) assert.ok(!pre.includes(not), not);
  const post = complete(nat('-A POSTROUTING -j $0')).labels;
  assert.ok(post.includes('MASQUERADE') && post.includes('SNAT') && !post.includes('DNAT'));
  assert.match(docOf(complete(nat('-A PREROUTING -j $0')).items.find((i) => i.label === 'KUBE-SERVICES')!), /kube-proxy.*Entry point for Service traffic/);
  const inFilter = complete(filter('-A INPUT -j $0')).labels;
  assert.ok(inFilter.includes('REJECT') && inFilter.includes('MYCHAIN') && !inFilter.includes('DNAT'));
});

test('after -j in a user chain: targets legal in every built-in chain that reaches it', () => {
  const text = (rule: string) => `*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:SVC - [0:0]\n:ORPHAN - [0:0]\n-A PREROUTING -j SVC\n${rule}\nCOMMIT\n`;
  const reached = complete(text('-A SVC -j $0')).labels;
  assert.ok(reached.includes('DNAT') && !reached.includes('MASQUERADE'), 'SVC is reached from PREROUTING only');
  const orphan = complete(text('-A ORPHAN -j $0')).labels;
  assert.ok(orphan.includes('DNAT') && orphan.includes('MASQUERADE'), 'nothing reaches ORPHAN, so nothing is ruled out');
});

test('after -g: chains only', () => {
  assert.deepEqual(complete(filter('-A INPUT -g $0')).labels, ['MYCHAIN']);
});

test('after -j: not the chain the rule is in (a loop)', () => {
  const labels = complete(filter('-A MYCHAIN -j $0')).labels;
  assert.ok(!labels.includes('MYCHAIN') && labels.includes('ACCEPT'));
});

test('a half-typed target is replaced as a whole word, and items carry their explanation', () => {
  const { items, c } = complete(nat('-A POSTROUTING -j MAS$0'));
  const masq = items.find((i) => i.label === 'MASQUERADE')!;
  assert.ok(masq);
  assert.equal(textOf(c.text, (masq.textEdit as TextEdit).range), 'MAS');
  assert.match(docOf(masq), /interface the packet leaves by/);
  assert.equal(masq.detail, 'terminating target');
});

test('after -m: match modules with their summaries, IPv4-only modules hidden in IPv6 dumps', () => {
  const { items, labels } = complete(filter('-A INPUT -m $0'));
  for (const want of ['conntrack', 'tcp', 'comment', 'multiport', 'addrtype', 'statistic', 'mark', 'icmp']) assert.ok(labels.includes(want), want);
  assert.ok(!labels.includes('source'), 'generic options are not modules');
  assert.match(docOf(items.find((i) => i.label === 'conntrack')!), /connection tracking/);
  const v6 = complete(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 2001:db8::/32 -j ACCEPT\n-A INPUT -m $0\nCOMMIT\n`).labels;
  assert.ok(v6.includes('icmp6') && !v6.includes('icmp'));
});

test('after --: the options of the modules already in the rule, or of the target after -j', () => {
  const m = complete(filter('-A INPUT -p tcp -m conntrack --ctstate NEW --$0')).labels;
  for (const want of ['--ctstate', '--ctstatus', '--dport', '--sport', '--syn', '--tcp-flags', '-s', '-j']) assert.ok(m.includes(want), want);
  assert.ok(!m.includes('--to-destination'));
  const t = complete(nat('-A PREROUTING -p tcp -j DNAT --$0')).labels;
  assert.deepEqual(t.sort(), ['--persistent', '--random', '--to-destination']);
});

test('closed value sets: ctstate (after a comma too), reject types per family, LOG levels, tcp flags, addrtype', () => {
  const st = complete(filter('-A INPUT -m conntrack --ctstate RELATED,$0')).items;
  assert.ok(st.some((i) => i.label === 'ESTABLISHED') && !st.some((i) => i.label === 'RELATED'));
  assert.match(docOf(st.find((i) => i.label === 'ESTABLISHED')!), /both directions/);
  const rej = complete(filter('-A INPUT -p tcp -j REJECT --reject-with $0')).labels;
  assert.ok(rej.includes('tcp-reset') && rej.includes('icmp-admin-prohibited') && !rej.includes('icmp6-no-route'));
  const rej6 = complete(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s ::1/128 -j ACCEPT\n-A INPUT -j REJECT --reject-with $0\nCOMMIT\n`).labels;
  assert.ok(rej6.includes('icmp6-no-route') && !rej6.includes('icmp-host-prohibited'));
  assert.ok(complete(filter('-A INPUT -j LOG --log-level $0')).labels.includes('debug'));
  assert.ok(complete(filter('-A INPUT -p tcp --tcp-flags $0')).labels.includes('SYN'));
  assert.ok(complete(filter('-A INPUT -m addrtype --dst-type $0')).labels.includes('LOCAL'));
});

test('tables after * and after -t; chains after -A', () => {
  const star = complete('*$0\n');
  assert.deepEqual(star.labels, ['raw', 'mangle', 'nat', 'filter', 'security']);
  assert.deepEqual(complete('-t $0').labels.length, 5);
  // OUTPUT is not declared but exists in every filter table.
  assert.deepEqual(complete(filter('-A $0')).labels.sort(), ['FORWARD', 'INPUT', 'MYCHAIN', 'OUTPUT']);
});

test('nothing after a free-form value, nor in a listing', () => {
  assert.deepEqual(complete(filter('-A INPUT -s $0')).labels, []);
  assert.deepEqual(complete('Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\n$0\n', 'iptables-listing').labels, []);
});
