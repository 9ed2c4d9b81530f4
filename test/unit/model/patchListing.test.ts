/**
 * Listings re-read lines edited in place (Ruleset.patchLines): after every
 * random edit of a line of several listings, the patched model equals the
 * model a full parse of the edited text gives, or the patch is refused and
 * the model is as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseListing } from '../../../server/src/model/parseListing';
import type { Rule, Ruleset } from '../../../server/src/model/types';
import { generateKubeProxy } from '../../support/kubeProxy';
import { editListingLine, editSomeLines, random } from '../../support/lineEdits';
import { modelDump } from '../../support/modelDump';

const FIXTURES = join(__dirname, '../../fixtures');
const read = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
const kube = generateKubeProxy({ services: 40, endpointsPerService: 3, nodePortEvery: 4, noEndpointsEvery: 7 }).listing;

/** Listings of every layout: -nvL, -nvL -x --line-numbers after prompts, -L with names, IPv6, pasted with notes, no column headers. */
const LISTINGS: [string, string][] = [
  ['seed as pasted', read('seed/heketi-nat.as-pasted.txt')],
  ['seed', read('seed/heketi-nat.nvL')],
  ['firewalld, line numbers', read('corpus/netfilter-iptables-tests/firewalld-ipt-save-completed.nvLx.txt')],
  ['-Lv with names', read('reference/captures/nft/ipv4/filter.Lv')],
  ['IPv6 -nL', read('reference/captures/nft/ipv6/filter.nL')],
  ['generated 40 Services', kube],
  ['generated 40 Services, CRLF', kube.replace(/\n/g, '\r\n')],
  ['no column headers', read('seed/heketi-nat.nvL').replace(/^ *pkts bytes target.*\n/gm, '')],
];

/** What modelDump leaves out of a listing: reference counts as printed, line numbers. */
function listingDump(ruleset: Ruleset): string {
  const extra = ruleset.tables.flatMap((t) => t.chains.map((c) => `${c.name} ${c.listedReferences ?? '-'} ${c.rules.map((r) => r.lineNumber ?? '-').join(',')}`));
  return `${modelDump(ruleset)}\n${extra.join('\n')}`;
}

for (const [name, text] of LISTINGS) {
  test(`patching edited listing lines gives the model a full parse gives, or changes nothing (${name})`, () => {
    const lines = text.split('\n');
    const chains = [...new Set([...text.matchAll(/^Chain (\S+)/gm)].map((m) => m[1]))];
    const r = random(name.length * 7919);
    let patched = 0;
    let refused = 0;
    for (let k = 0; k < 150; k++) {
      const model = parseListing(text);
      let current = lines.slice();
      // Two rounds: a line patched once must patch again from what the first round left.
      for (let round = 0; round < 2; round++) {
        const { next, changed, ln } = editSomeLines(current, r, (line) => editListingLine(line, chains, r));
        const before = listingDump(model);
        const replaced: [Rule, Rule][] = [];
        if (model.patchLines!(changed, replaced)) {
          patched++;
          assert.equal(listingDump(model), listingDump(parseListing(next.join('\n'))), `edit ${k}.${round} of line ${ln + 1}: ${[...changed.values()].join(' | ')}`);
          for (const [old, rule] of replaced) {
            assert.ok(changed.has(rule.span.line) && old.span.line === rule.span.line, 'a replaced rule is on an edited line');
            assert.equal(model.tables.flatMap((t) => t.chains).find((c) => c.rules.includes(rule))?.rules.indexOf(rule), old.index - 1);
          }
          current = next;
        } else {
          refused++;
          assert.equal(listingDump(model), before, `a refused patch changed the model (edit ${k}.${round})`);
          assert.deepEqual(replaced, []);
          break;
        }
      }
    }
    // Both ways must have been exercised, or the comparison proves nothing.
    assert.ok(patched >= 20, `only ${patched} edits patched`);
    assert.ok(refused >= 10, `only ${refused} edits refused`);
  });
}

test('a row whose layout was guessed decides the layout of the rows after it: no patch', () => {
  const text = 'Chain INPUT (policy ACCEPT)\nACCEPT     all  --  0.0.0.0/0            0.0.0.0/0\nDROP       all  --  0.0.0.0/0            0.0.0.0/0\n';
  // Read alone, the edited row fits the -v layout, which comes first among the guesses: the next row would not fit it.
  const edited = '    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0';
  assert.equal(parseListing(text.replace(/^ACCEPT.*$/m, edited)).tables[0].chains[0].rules.length, 1);
  assert.equal(parseListing(text).patchLines!(new Map([[1, edited]])), false);
  assert.equal(parseListing(text).patchLines!(new Map([[2, 'RETURN     all  --  0.0.0.0/0            0.0.0.0/0']])), true);
});

test('a listing patch is refused where the model would change shape or family', () => {
  const text = [
    'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination',
    '    0     0 A          all  --  *      *       0.0.0.0/0            0.0.0.0/0',
    '',
    'Chain A (1 references)',
    ' pkts bytes target     prot opt in     out     source               destination',
    '    0     0 ACCEPT     tcp  --  *      *       10.0.0.1             0.0.0.0/0            tcp dpt:22',
    '',
  ].join('\n');
  const refuses = (ln: number, line: string) => assert.equal(parseListing(text).patchLines!(new Map([[ln, line]])), false, line);
  refuses(4, 'Chain B (1 references)'); // a header
  refuses(4, 'Chain A (2 references)'); // a header's figure
  refuses(6, ''); // no longer a row
  refuses(6, 'ACCEPT tcp'); // not a row of this layout
  refuses(6, '    0     0 ACCEPT     tcp  --  *      *       2001:db8::1          ::/0'); // the family would become IPv6
  refuses(3, 'a note'); // not a row before
  const v6 = text.replace('10.0.0.1            ', '2001:db8::1         ');
  assert.equal(parseListing(v6).family, 'ipv6');
  assert.equal(parseListing(v6).patchLines!(new Map([[6, text.split('\n')[6]]])), false, 'the family would become IPv4');
  const model = parseListing(text);
  assert.equal(model.patchLines!(new Map([[4, 'Chain A (1 references)   ']])), true, 'trailing blanks change nothing');
  const row = '    0     0 DROP       udp  --  *      *       10.0.0.1             0.0.0.0/0';
  assert.equal(model.patchLines!(new Map([[6, row]])), true);
  const rule = model.tables[0].chainsByName.get('A')!.rules[0];
  assert.equal(rule.target!.kind, 'drop');
  assert.deepEqual(rule.matches.map((m) => m.module), ['source', 'protocol']);
  assert.deepEqual(model.tables[0].chainsByName.get('A')!.span, { line: 4, start: 0, endLine: 6, end: row.length }, 'the chain ends where its edited last row ends');
});
