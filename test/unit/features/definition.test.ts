import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findDefinition } from '../../../server/src/features/definition';
import { at, covered, dump, URI, type Lang } from './navKit';

/** Checks that the definition at `$0` spans `line` (whole declaration) and selects `name`; null means no definition. */
function check(marked: string, expected: { line: string; name: string; origin: string } | null, lang: Lang = 'iptables-save') {
  const a = at(marked, lang);
  const links = findDefinition(a.analysis, URI, a.line, a.character);
  if (!expected) {
    assert.deepEqual(links, []);
    return;
  }
  assert.equal(links.length, 1, 'one definition');
  const [l] = links;
  assert.equal(covered(a.text, l.targetRange), expected.line);
  assert.equal(covered(a.text, l.targetSelectionRange), expected.name);
  assert.equal(covered(a.text, l.originSelectionRange!), expected.origin);
}

const NAT = (body: string) => dump(
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':OUTPUT ACCEPT [3:180]',
  ':KUBE-SERVICES - [0:0]',
  ':KUBE-SVC-A - [0:0]',
  ':KUBE-MARK-MASQ - [0:0]',
  body,
  'COMMIT',
);

const cases: [string, string, { line: string; name: string; origin: string } | null][] = [
  ['jump target', NAT('-A PREROUTING -j KUBE-SERV$0ICES\n-A KUBE-SERVICES -j KUBE-SVC-A'), { line: ':KUBE-SERVICES - [0:0]', name: 'KUBE-SERVICES', origin: 'KUBE-SERVICES' }],
  ['cursor just after the name', NAT('-A PREROUTING -j KUBE-SERVICES$0'), { line: ':KUBE-SERVICES - [0:0]', name: 'KUBE-SERVICES', origin: 'KUBE-SERVICES' }],
  ['goto target', NAT('-A KUBE-SERVICES -g $0KUBE-SVC-A'), { line: ':KUBE-SVC-A - [0:0]', name: 'KUBE-SVC-A', origin: 'KUBE-SVC-A' }],
  ['chain after -A', NAT('-A KUBE-S$0VC-A -j KUBE-MARK-MASQ'), { line: ':KUBE-SVC-A - [0:0]', name: 'KUBE-SVC-A', origin: 'KUBE-SVC-A' }],
  ['the declaration itself', NAT('').replace(':KUBE-SVC-A', ':KUBE-$0SVC-A'), { line: ':KUBE-SVC-A - [0:0]', name: 'KUBE-SVC-A', origin: 'KUBE-SVC-A' }],
  ['built-in chain → policy line', NAT('-A OUT$0PUT -j KUBE-SERVICES'), { line: ':OUTPUT ACCEPT [3:180]', name: 'OUTPUT', origin: 'OUTPUT' }],
  ['ACCEPT is no chain', NAT('-A PREROUTING -j ACC$0EPT'), null],
  ['DNAT is no chain', NAT('-A KUBE-SVC-A -p tcp -j DN$0AT --to-destination 10.0.0.1:80'), null],
  ['a match is no chain', NAT('-A PREROUTING -p t$0cp -j KUBE-SERVICES'), null],
  ['jump to a missing chain', NAT('-A PREROUTING -j NOWH$0ERE'), null],
  ['the policy word', NAT('').replace(':OUTPUT ACCEPT', ':OUTPUT ACC$0EPT'), null],
];
for (const [name, marked, expected] of cases) test(`definition (save): ${name}`, () => check(marked, expected));

test('definition resolves within the table block: the same name in two tables', () => {
  const text = dump(
    '*filter', ':INPUT ACCEPT [0:0]', ':SHARED - [0:0]', '-A INPUT -j SHARED', 'COMMIT',
    '*nat', ':PREROUTING ACCEPT [0:0]', ':SHARED - [0:0]', '-A PREROUTING -j SHA$0RED', 'COMMIT',
  );
  const a = at(text);
  const [l] = findDefinition(a.analysis, URI, a.line, a.character);
  assert.equal(l.targetRange.start.line, 7, 'the nat declaration, not the filter one');
});

test('definition in iptables -S output: -N and -P lines are declarations', () => {
  check(dump('-P INPUT DROP', '-N WEB', '-A INPUT -j W$0EB', '-A WEB -j ACCEPT'), { line: '-N WEB', name: 'WEB', origin: 'WEB' });
  check(dump('-P INPUT DROP', '-N WEB', '-A IN$0PUT -j WEB'), { line: '-P INPUT DROP', name: 'INPUT', origin: 'INPUT' });
});

test('definition of a chain only ever appended to: its first rule line', () => {
  check(dump('-A INPUT -j LATE', '-A LATE -s 10.0.0.1 -j DROP', '-A LATE -j RETURN', '-A INPUT -j LA$0TE'), {
    line: '-A LATE -s 10.0.0.1 -j DROP', name: 'LATE', origin: 'LATE',
  });
});

const LISTING = [
  'Chain INPUT (policy ACCEPT)',
  'target     prot opt source               destination         ',
  'WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:80',
  'ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0           ',
  '',
  'Chain WEB (1 references)',
  'target     prot opt source               destination         ',
  'ACCEPT     all  --  10.0.0.0/8           0.0.0.0/0           ',
].join('\n') + '\n';

test('definition (listing): target column → Chain header', () => {
  check(LISTING.replace('WEB        tcp', 'W$0EB        tcp'), { line: 'Chain WEB (1 references)', name: 'WEB', origin: 'WEB' }, 'iptables-listing');
});
test('definition (listing): the header itself', () => {
  check(LISTING.replace('Chain WEB', 'Chain WE$0B'), { line: 'Chain WEB (1 references)', name: 'WEB', origin: 'WEB' }, 'iptables-listing');
});
test('definition (listing): built-in header → its policy line', () => {
  check(LISTING.replace('Chain INPUT', 'Chain IN$0PUT'), { line: 'Chain INPUT (policy ACCEPT)', name: 'INPUT', origin: 'INPUT' }, 'iptables-listing');
});
test('definition (listing): ACCEPT in the target column has none', () => {
  check(LISTING.replace('ACCEPT     all  --  0.0.0.0/0', 'ACC$0EPT     all  --  0.0.0.0/0'), null, 'iptables-listing');
});
