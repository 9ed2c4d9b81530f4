/**
 * Every reference rule the kernel accepted, as iptables-save printed it and as
 * each listing mode printed it (test/fixtures/reference/save-vs-listing-rows.json,
 * made with iptables 1.8.9 nf_tables): the listing row must parse into the
 * matches and target options the save line parses into, for the match and
 * target extensions the listing parser reads in detail.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { readFileSync } from 'fs';
import { join } from 'path';
import { ListingRule } from '../../../server/src/model/listingRule';
import { fixtureTexts } from '../../support/fixtureFiles';
import { parseListing } from '../../../server/src/model/parseListing';
import { parseSave } from '../../../server/src/model/parseSave';
import type { Option, Rule } from '../../../server/src/model/types';

interface Pair {
  id: string;
  family: string;
  table: string;
  chain: string;
  feature: string;
  save: string[];
  nvL: string[];
  nvLx: string[];
  Lv: string[];
  nL: string[];
}

const pairs: Pair[] = JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/save-vs-listing-rows.json'), 'utf8'));

const DETAILED = new Set([
  'source', 'destination', 'in-interface', 'out-interface', 'protocol', 'fragment', 'tcp', 'udp', 'multiport', 'icmp',
  'icmp6', 'state', 'conntrack', 'comment', 'mark', 'connmark', 'addrtype', 'statistic', 'limit', 'hashlimit', 'set',
  'physdev', 'iprange', 'mac', 'owner',
]);
const DETAILED_TARGETS = new Set(['DNAT', 'SNAT', 'NETMAP', 'MASQUERADE', 'REDIRECT', 'MARK', 'CONNMARK', 'LOG', 'REJECT', 'CT']);

/**
 * What a listing cannot say, by rule: hashlimit never prints its name; with
 * --hashlimit-rate-match it prints the rate divided by the interval.
 * `-L` without -n prints names from this host's passwd and hosts files.
 */
const NOT_LISTED = new Set(['hashlimit-name']);
const DIFFERS: Record<string, string> = {
  R231: 'hashlimit rate-match prints rate/interval',
};
const DIFFERS_WITHOUT_N: Record<string, string> = {
  R063: 'uid printed as a user name', R256: 'uid name', R257: 'uid name', R259: 'gid name', R260: 'uid name', R262: 'gid name',
  R353: 'localhost printed as a host name',
};

function fmt(o: Option): string {
  return `${o.negated ? '!' : ''}${o.name}=${o.values.join(' ')}`;
}

function signature(rule: Rule, withInterfaces: boolean): string {
  const matches = rule.matches
    .filter((m) => (DETAILED.has(m.module) || m.module === 'unknown') && (withInterfaces || !m.module.endsWith('-interface')))
    .map((m) => `${m.module}{${m.options.filter((o) => !NOT_LISTED.has(o.name)).map(fmt).sort().join(',')}}`);
  const t = rule.target;
  const target = t ? `${t.name}/${t.kind}${DETAILED_TARGETS.has(t.name) ? `{${t.options.map(fmt).sort().join(',')}}` : ''}` : '-';
  return `${matches.join(' ')} -> ${target}`;
}

const HEADERS: Record<string, string> = {
  nvL: ' pkts bytes target     prot opt in     out     source               destination         ',
  nvLx: 'num      pkts      bytes target     prot opt in     out     source               destination         ',
  Lv: ' pkts bytes target     prot opt in     out     source               destination         ',
  nL: 'target     prot opt source               destination         ',
};

for (const mode of ['nvL', 'nvLx', 'Lv', 'nL'] as const) {
  test(`every reference rule: the ${mode} row parses like its save line`, () => {
    let compared = 0;
    const failures: string[] = [];
    for (const p of pairs) {
      if (DIFFERS[p.id] || (mode === 'Lv' && DIFFERS_WITHOUT_N[p.id])) continue;
      const save = parseSave(`*${p.table}\n:${p.chain} - [0:0]\n${p.save.join('\n')}\nCOMMIT\n`);
      const listing = parseListing(`# iptables -t ${p.table} -L ${p.chain}\nChain ${p.chain} (0 references)\n${HEADERS[mode]}\n${p[mode].join('\n')}\n`);
      assert.deepEqual(listing.problems, [], `${p.id}: no problems`);
      const withInterfaces = mode !== 'nL';
      const want = save.tables[0].chainsByName.get(p.chain)!.rules.map((r) => signature(r, withInterfaces));
      const got = listing.tables[0].chainsByName.get(p.chain)!.rules.map((r) => signature(r, withInterfaces));
      compared++;
      if (JSON.stringify(want) !== JSON.stringify(got)) failures.push(`${p.id} ${p.feature}\n  save:    ${want.join(' | ')}\n  listing: ${got.join(' | ')}`);
    }
    assert.ok(compared > 500, `compared ${compared}`);
    assert.deepEqual(failures, []);
  });
}

test('rows of every extension keep their text: no row loses words between matches', () => {
  for (const p of pairs) {
    for (const row of p.nvL) {
      const listing = parseListing(`Chain ${p.chain} (0 references)\n${HEADERS.nvL}\n${row}\n`);
      const rule = listing.tables[0].chains[0].rules[0];
      for (const m of rule.matches) {
        assert.equal(m.text, row.slice(m.span.start, m.span.end), `${p.id} ${m.module}`);
        for (const o of m.options) assert.ok(o.span.start >= m.span.start && o.span.end <= m.span.end, `${p.id} ${m.module}.${o.name} inside its match`);
      }
      void rule.target?.options;
    }
  }
});

test('mutated rows never throw and every span stays on its row', () => {
  // Words of real rows dropped, doubled or swapped: the shapes a damaged paste takes.
  const rows = pairs.flatMap((p) => [...p.nvL, ...p.Lv]);
  fc.assert(fc.property(
    fc.integer({ min: 0, max: rows.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'double', 'swap', 'cut')), { maxLength: 4 }),
    (which, edits) => {
      let words = rows[which].split(/( +)/);
      for (const [at, how] of edits) {
        const i = at % Math.max(words.length, 1);
        if (how === 'drop') words.splice(i, 1);
        else if (how === 'double') words.splice(i, 0, words[i] ?? '');
        else if (how === 'swap' && i + 2 < words.length) [words[i], words[i + 2]] = [words[i + 2], words[i]];
        else if (how === 'cut') words = words.slice(0, i);
      }
      const row = words.join('');
      const r = parseListing(`Chain X (1 references)\n${HEADERS.nvL}\n${row}\n`);
      for (const t of r.tables) for (const c of t.chains) for (const rule of c.rules) {
        const spans = [rule.span, ...rule.matches.flatMap((m) => [m.span, ...m.options.flatMap((o) => [o.span, o.nameSpan, ...(o.valueSpan ? [o.valueSpan] : [])])])];
        if (rule.target) spans.push(rule.target.nameSpan, ...rule.target.options.map((o) => o.span));
        for (const s of spans) {
          assert.equal(s.line, 2);
          assert.ok(s.start >= 0 && s.start <= s.end && s.end <= row.length, `span ${s.start}-${s.end} in a row of ${row.length}`);
        }
        void rule.counters;
        void rule.comments;
      }
    },
  ), { numRuns: 2000, seed: 7 });
});

test('hasColumnMatch says whether columnMatches finds a match, for every row of the listing fixtures and the reference rows', () => {
  const texts = fixtureTexts(/\.(nvLx?|Lv|nL)\.txt$|as-pasted\.txt$|cleaned\.txt$/);
  const files = texts.length;
  for (const mode of ['nvL', 'nvLx', 'Lv', 'nL'] as const) {
    for (const p of pairs) texts.push(`Chain ${p.chain} (0 references)\n${HEADERS[mode]}\n${p[mode].join('\n')}\n`);
  }
  // Negated columns spelled like "any" (`!0.0.0.0/0`, `!+`): columnMatch makes a match of any negated word.
  texts.push(['Chain INPUT (policy ACCEPT 0 packets, 0 bytes)', HEADERS.nvL,
    '    0     0 ACCEPT     all  --  *      *      !0.0.0.0/0            0.0.0.0/0',
    '    0     0 ACCEPT     all  --  !+     *       0.0.0.0/0            0.0.0.0/0',
    '    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0', ''].join('\n'));
  let rows = 0;
  let held = 0;
  for (const text of texts) {
    for (const table of parseListing(text).tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          assert.ok(rule instanceof ListingRule);
          const expected = rule.columnMatches().length > 0;
          rule.release();
          assert.equal(rule.hasColumnMatch(), expected, `line ${rule.span.line + 1}: ${text.split('\n')[rule.span.line]}`);
          rows++;
          if (expected) held++;
        }
      }
    }
  }
  // Both answers must be common, or the comparison proves little.
  assert.ok(files >= 20 && rows > 1000 && held > 300 && rows - held > 300, `${files} files, ${rows} rows, ${held} with a column match`);
});
