import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-languageserver';
import { chainNameProblem, prepareRename, renameChain } from '../../../server/src/features/rename';
import { at, covered, dump, URI, type Lang } from './navKit';

/** Applies the rename at `$0` and returns the new text. */
function renamed(marked: string, newName: string, lang: Lang = 'iptables-save'): string {
  const a = at(marked, lang);
  const edit = renameChain(a.analysis, URI, a.line, a.character, newName);
  const edits = edit.changes![URI];
  const lines = a.text.split('\n');
  // Apply right to left so earlier edits keep their columns.
  const sorted = [...edits].sort((x, y) => y.range.start.line - x.range.start.line || y.range.start.character - x.range.start.character);
  for (const e of sorted) {
    assert.equal(e.range.start.line, e.range.end.line);
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

function refusal(marked: string, newName = 'NEW', lang: Lang = 'iptables-save'): string {
  const a = at(marked, lang);
  try {
    renameChain(a.analysis, URI, a.line, a.character, newName);
  } catch (e) {
    assert.ok(e instanceof ResponseError, 'a ResponseError');
    return e.message;
  }
  assert.fail('expected the rename to be refused');
}

const SAVE = dump(
  '*filter',
  ':INPUT DROP [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':WEB - [0:0]',
  ':WEBX - [0:0]',
  '-A INPUT -p tcp --dport 80 -j WEB',
  '-A INPUT -j WEBX',
  '-A FORWARD -g WEB',
  '-A WEB -m comment --comment "WEB traffic" -j ACCEPT',
  '-I WEB 1 -s 192.0.2.1 -j DROP',
  '-A WEBX -j WEB',
  'COMMIT',
  '*nat',
  ':PREROUTING ACCEPT [0:0]',
  ':WEB - [0:0]',
  '-A PREROUTING -j WEB',
  'COMMIT',
);

test('rename a user chain: declaration, own -A/-I lines, jumps and gotos; nothing else', () => {
  assert.equal(renamed(SAVE.replace('-g WEB', '-g W$0EB'), 'HTTP'), dump(
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':HTTP - [0:0]',
    ':WEBX - [0:0]',
    '-A INPUT -p tcp --dport 80 -j HTTP',
    '-A INPUT -j WEBX',
    '-A FORWARD -g HTTP',
    '-A HTTP -m comment --comment "WEB traffic" -j ACCEPT',
    '-I HTTP 1 -s 192.0.2.1 -j DROP',
    '-A WEBX -j HTTP',
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':WEB - [0:0]',
    '-A PREROUTING -j WEB',
    'COMMIT',
  ));
});

test('prepareRename answers the exact range of the name and the name as placeholder', () => {
  const a = at(SAVE.replace('-A WEBX -j WEB', '-A WEBX -j W$0EB'));
  const p = prepareRename(a.analysis, a.line, a.character);
  assert.equal(covered(a.text, p.range), 'WEB');
  assert.equal(p.range.start.line, 10);
  assert.equal(p.placeholder, 'WEB');
});

test('rename refuses built-in chains, targets and non-names', () => {
  assert.match(refusal(SAVE.replace('-A FORWARD', '-A FORW$0ARD')), /built-in chain/);
  assert.match(refusal(SAVE.replace(':INPUT', ':IN$0PUT')), /built-in chain/);
  assert.match(refusal(SAVE.replace('-j ACCEPT', '-j ACC$0EPT')), /ACCEPT is a target, not a chain/);
  assert.match(refusal(SAVE.replace('--dport 80', '--dp$0ort 80')), /cursor on a chain name/);
  const a = at(SAVE.replace('-j DROP', '-j DR$0OP'));
  assert.throws(() => prepareRename(a.analysis, a.line, a.character), /DROP is a target/);
});

const badNames: [string, RegExp][] = [
  ['', /empty/],
  ['A'.repeat(29), /29 characters long; iptables allows at most 28/],
  ['TWO WORDS', /whitespace/],
  ['-X', /cannot start with "-"/],
  ['!X', /cannot start with "!"/],
  ['DNAT', /name of a target/],
  ['ACCEPT', /name of a target/],
  ['MASQUERADE', /name of a target/],
  ['WEBX', /already has a chain named WEBX/],
  ['FORWARD', /already has a chain named FORWARD/],
  ['A"B', /quotes/],
];
for (const [name, why] of badNames) {
  test(`rename refuses the new name ${JSON.stringify(name)}`, () => {
    assert.match(refusal(SAVE.replace(':WEB - [0:0]\n:WEBX', ':W$0EB - [0:0]\n:WEBX'), name), why);
  });
}

test('a 28-character name is fine; renaming to the same name changes nothing', () => {
  const marked = SAVE.replace(':WEB - [0:0]\n:WEBX', ':W$0EB - [0:0]\n:WEBX');
  assert.match(renamed(marked, 'A'.repeat(28)), /^:A{28} - \[0:0\]$/m);
  assert.equal(renamed(marked, 'WEB'), SAVE);
  // A chain named like a built-in chain of another table is allowed in this one.
  assert.equal(chainNameProblem('PREROUTING', at(SAVE.replace('*filter', '$0*filter')).analysis.ruleset.tables[0]), null);
});

test('rename in a listing: the header and the target columns', () => {
  const listing = [
    'Chain INPUT (policy ACCEPT)',
    'target     prot opt source               destination         ',
    'WEB        tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:80',
    'ACCEPT     all  --  0.0.0.0/0            0.0.0.0/0           ',
    '',
    'Chain WEB (1 references)',
    'target     prot opt source               destination         ',
    'ACCEPT     all  --  10.0.0.0/8           0.0.0.0/0           ',
    '',
  ].join('\n');
  const out = renamed(listing.replace('Chain WEB', 'Chain $0WEB'), 'HTTP', 'iptables-listing');
  assert.equal(out, listing.replace('WEB        tcp', 'HTTP        tcp').replace('Chain WEB', 'Chain HTTP'));
});
