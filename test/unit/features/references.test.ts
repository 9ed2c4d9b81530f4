import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DocumentHighlightKind } from 'vscode-languageserver';
import { documentHighlights, findReferences } from '../../../server/src/features/references';
import { at, dump, lineOf, URI, type Lang } from './navKit';

/** The lines (as text) holding each reference, in document order. */
function refLines(marked: string, includeDeclaration: boolean, lang: Lang = 'iptables-save'): string[] {
  const a = at(marked, lang);
  const refs = findReferences(a.analysis, URI, a.line, a.character, includeDeclaration);
  for (const r of refs) assert.equal(r.range.start.line, r.range.end.line, "a reference is on one line");
  return refs.map((r) => lineOf(a.text, r.range));
}

function refNames(marked: string, lang: Lang = 'iptables-save'): string[] {
  const a = at(marked, lang);
  return findReferences(a.analysis, URI, a.line, a.character, true).map((r) => a.text.split('\n')[r.range.start.line].slice(r.range.start.character, r.range.end.character));
}

const FILTER = (body: string) => dump(
  '*filter',
  ':INPUT DROP [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':WEB - [0:0]',
  ':LOGDROP - [0:0]',
  body,
  'COMMIT',
);

const BODY = [
  '-A INPUT -p tcp --dport 80 -j WEB',
  '-A INPUT -p tcp --dport 443 -j WEB',
  '-A FORWARD -g WEB',
  '-A WEB -s 10.0.0.0/8 -j ACCEPT',
  '-A WEB -j LOGDROP',
  '-I WEB 1 -s 192.0.2.1 -j DROP',
].join('\n');

test('references of a user chain: declaration, jumps, gotos and its own -A/-I lines, in document order', () => {
  assert.deepEqual(refLines(FILTER(BODY).replace(':WEB', ':W$0EB'), true), [
    ':WEB - [0:0]',
    '-A INPUT -p tcp --dport 80 -j WEB',
    '-A INPUT -p tcp --dport 443 -j WEB',
    '-A FORWARD -g WEB',
    '-A WEB -s 10.0.0.0/8 -j ACCEPT',
    '-A WEB -j LOGDROP',
    '-I WEB 1 -s 192.0.2.1 -j DROP',
  ]);
});

test('references without the declaration leave only the declaration out', () => {
  const lines = refLines(FILTER(BODY).replace('--dport 80 -j WEB', '--dport 80 -j WE$0B'), false);
  assert.equal(lines.length, 6);
  assert.ok(!lines.includes(':WEB - [0:0]'));
});

test('every reference range covers exactly the chain name', () => {
  assert.deepEqual(new Set(refNames(FILTER(BODY).replace('-g WEB', '-g W$0EB'))), new Set(['WEB']));
});

test('references of a built-in chain: its policy line and its rules', () => {
  assert.deepEqual(refLines(FILTER(BODY).replace(':INPUT', ':IN$0PUT'), true), [
    ':INPUT DROP [0:0]', '-A INPUT -p tcp --dport 80 -j WEB', '-A INPUT -p tcp --dport 443 -j WEB',
  ]);
});

test('references stop at the table block: a chain of the same name in another table is another chain', () => {
  const text = dump(
    '*filter', ':INPUT ACCEPT [0:0]', ':X - [0:0]', '-A INPUT -j X', 'COMMIT',
    '*mangle', ':INPUT ACCEPT [0:0]', ':X - [0:0]', '-A INPUT -j $0X', '-A INPUT -j X', 'COMMIT',
  );
  assert.deepEqual(refLines(text, true), [':X - [0:0]', '-A INPUT -j X', '-A INPUT -j X']);
  assert.ok(refLines(text, true).length === 3);
});

test('a jump to a chain that does not exist still finds its other jumps', () => {
  assert.deepEqual(refLines(FILTER('-A INPUT -j GHOST\n-A FORWARD -j GH$0OST'), true), ['-A INPUT -j GHOST', '-A FORWARD -j GHOST']);
});

test('no references on targets, matches or blank lines', () => {
  assert.deepEqual(refLines(FILTER(BODY).replace('-j ACCEPT', '-j ACC$0EPT'), true), []);
  assert.deepEqual(refLines(FILTER(BODY).replace('--dport 443', '--dpo$0rt 443'), true), []);
  assert.deepEqual(refLines(FILTER(BODY).replace('*filter', '$0\n*filter'), true), []);
});

test('references in a listing: the header and the target column', () => {
  const listing = [
    'Chain INPUT (policy ACCEPT)',
    'target     prot opt source               destination         ',
    'WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:80',
    'WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:443',
    '',
    'Chain WEB (2 references)',
    'target     prot opt source               destination         ',
    'ACCEPT     all  --  10.0.0.0/8           0.0.0.0/0           ',
  ].join('\n') + '\n';
  const marked = listing.replace('Chain WEB', 'Chain W$0EB');
  assert.deepEqual(refLines(marked, true, 'iptables-listing'), [
    'Chain WEB (2 references)',
    'WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:80',
    'WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:443',
  ].sort((x, y) => listing.indexOf(x) - listing.indexOf(y)));
  assert.deepEqual(new Set(refNames(marked, 'iptables-listing')), new Set(['WEB']));
});

test('references in a listing leave the rows that jump unread: a hub chain has tens of thousands', () => {
  const rows = Array.from({ length: 5 }, (_, i) => `MARK       tcp  --  0.0.0.0/0            10.0.0.${i + 1}          tcp dpt:${80 + i}`);
  const listing = ['Chain INPUT (policy ACCEPT)', 'target     prot opt source               destination', ...rows, '', 'Chain MARK (5 references)', 'target     prot opt source               destination', ''].join('\n');
  const a = at(listing.replace('Chain MARK', 'Chain M$0ARK'), 'iptables-listing');
  const refs = findReferences(a.analysis, URI, a.line, a.character, true);
  assert.equal(refs.length, 6);
  // In document order: the target column's MARK on each row, then the chain's header.
  assert.deepEqual(refs.map((r) => [r.range.start.line, r.range.start.character, r.range.end.character]), [...rows.map((_, i) => [2 + i, 0, 4]), [8, 6, 10]]);
  const input = a.analysis.ruleset.tables[0].chainsByName.get('INPUT')!.rules as unknown as { isParsed: boolean }[];
  assert.deepEqual(input.map((r) => r.isParsed), [false, false, false, false, false]);
});

test('document highlight: declaration and own rules are writes, jumps are reads', () => {
  const a = at(FILTER(BODY).replace('-A WEB -j LOGDROP', '-A WEB -j LOG$0DROP'));
  const hs = documentHighlights(a.analysis, a.line, a.character);
  assert.deepEqual(hs.map((h) => [lineOf(a.text, h.range), h.kind]), [
    [':LOGDROP - [0:0]', DocumentHighlightKind.Write],
    ['-A WEB -j LOGDROP', DocumentHighlightKind.Read],
  ]);
});

test('asking again, back and forth between chains and with or without the declaration, gives each question its own answer', () => {
  const text = FILTER(BODY);
  const a = at(text.replace(':WEB', ':W$0EB'), 'iptables-save');
  const lines = text.split('\n');
  const web = { line: lines.indexOf(':WEB - [0:0]'), character: 2 };
  const logdrop = { line: lines.indexOf(':LOGDROP - [0:0]'), character: 2 };
  const input = { line: lines.indexOf('-A INPUT -p tcp --dport 80 -j WEB'), character: 4 };
  const ask = (p: { line: number; character: number }, decl: boolean) =>
    findReferences(a.analysis, URI, p.line, p.character, decl).map((r) => lines[r.range.start.line]);
  const questions: [typeof web, boolean, number][] = [
    [web, true, 7], [logdrop, true, 2], [web, false, 6], [input, true, 3], [logdrop, false, 1],
    [web, true, 7], [input, false, 2], [logdrop, true, 2], [web, false, 6], [web, true, 7],
  ];
  // Each answer matches the count written by hand and what a fresh analysis says.
  for (const [p, decl, count] of questions) {
    const got = ask(p, decl);
    assert.equal(got.length, count, `${lines[p.line]} includeDeclaration=${decl}`);
    const fresh = at(text.replace(':WEB', ':W$0EB'), 'iptables-save');
    assert.deepEqual(got, findReferences(fresh.analysis, URI, p.line, p.character, decl).map((r) => lines[r.range.start.line]));
  }
});
