/**
 * Graph equality over kernel-made dumps: for every ruleset the kernel loaded,
 * the model from its iptables-save form, from each listing form and from its
 * -S form have the same tables, chains, policies, rule counts, target names
 * and kinds, and edges.
 *
 * Corpus: `X.resaved.txt` (iptables-save after loading X.save) with
 * `X.nvL.txt` (`iptables -t T -nvL` per table, each after a `### iptables -t T -nvL`
 * line), `X.nvLx.txt` (`-nvL -x --line-numbers`) and `X.S.txt` (`-S`).
 * Reference captures: per table `T.save`, `T.nvL`, `T.nvLx`, `T.Lv`, `T.nL`, `T.S`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parseListing } from '../../../server/src/model/parseListing';
import { parseSave } from '../../../server/src/model/parseSave';
import type { Ruleset } from '../../../server/src/model/types';
import { compareGraphs, summarise } from '../../support/compareGraphs';

const FIXTURES = join(__dirname, '../../fixtures');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** A listing of one chain (`iptables -nvL INPUT`) is compared on the chains it shows. */
function restrictToListed(save: Ruleset, listing: Ruleset): Ruleset {
  const listed = new Set(listing.tables.flatMap((t) => t.chains.map((c) => `${t.name}/${c.name}`)));
  const tables = save.tables.map((t) => {
    const chains = t.chains.filter((c) => listed.has(`${t.name}/${c.name}`));
    return { ...t, chains, chainsByName: new Map(chains.map((c) => [c.name, c])) };
  });
  return { ...save, tables };
}

let comparisons = 0;
let equal = 0;

const corpus = walk(join(FIXTURES, 'corpus')).filter((f) => f.endsWith('.resaved.txt')).sort();

test('the corpus has kernel-made dumps to compare', () => {
  assert.ok(corpus.length >= 20, `${corpus.length} dumps`);
});

for (const resaved of corpus) {
  const base = resaved.slice(0, -'.resaved.txt'.length);
  const name = base.slice(FIXTURES.length + 1);
  const forms: [string, (text: string) => Ruleset][] = [['.nvL.txt', parseListing], ['.nvLx.txt', parseListing], ['.S.txt', parseSave]];
  for (const [suffix, parseForm] of forms) {
    if (!existsSync(base + suffix)) continue;
    test(`graph equality: ${name} save vs ${suffix.slice(1, -4)}`, () => {
      const save = parseSave(read(resaved));
      assert.deepEqual(save.problems.filter((p) => p.severity === 'error'), [], 'the save form parses cleanly');
      const other = parseForm(read(base + suffix));
      assert.deepEqual(other.problems.filter((p) => p.severity === 'error' || p.severity === 'warning'), []);
      const singleChain = other.tables.length === 1 && other.tables[0].chains.length < save.tables.reduce((n, t) => n + t.chains.length, 0) && !/^#/m.test(read(base + suffix));
      const diffs = compareGraphs(singleChain ? restrictToListed(save, other) : save, other, 'save', suffix);
      comparisons++;
      if (diffs.length === 0) equal++;
      assert.deepEqual(diffs, []);
      assert.ok(summarise(save).size > 0, 'something to compare');
    });
  }
}

for (const family of ['ipv4', 'ipv6']) {
  for (const backend of ['nft', 'legacy']) {
    const dir = join(FIXTURES, 'reference/captures', backend, family);
    for (const table of ['raw', 'mangle', 'nat', 'filter', 'security']) {
      for (const form of ['nvL', 'nvLx', 'Lv', 'nL', 'S']) {
        test(`graph equality: captures/${backend}/${family}/${table} save vs ${form}`, () => {
          const save = parseSave(read(join(dir, `${table}.save`)));
          const text = read(join(dir, `${table}.${form}`));
          const program = family === 'ipv6' ? 'ip6tables' : 'iptables';
          // The captures hold the command's output only; the command line names the table.
          const other = form === 'S' ? parseSave(`# ${program} -t ${table} -S\n${text}`) : parseListing(`# ${program} -t ${table} -${form}\n${text}`);
          assert.deepEqual(other.problems.filter((p) => p.severity === 'error' || p.severity === 'warning'), []);
          assert.equal(other.family, family);
          const diffs = compareGraphs(save, other, 'save', form);
          comparisons++;
          if (diffs.length === 0) equal++;
          assert.deepEqual(diffs, []);
        });
      }
      test(`table inference: captures/${backend}/${family}/${table}.nvL without its command line`, () => {
        const r = parseListing(read(join(dir, `${table}.nvL`)));
        assert.equal(r.tables.length, 1);
        // filter and security have the same built-in chains; without the command line it reads as filter, the usual one.
        assert.equal(r.tables[0].name, table === 'security' ? 'filter' : table);
        assert.equal(r.tables[0].tableSource, 'builtin-chains');
        assert.deepEqual(r.problems, []);
      });
    }
  }
}

// Moby's iptables documentation: the same ruleset as `iptables -vL --line-numbers` (no -n) and as `iptables -S`.
const MOBY = join(FIXTURES, 'corpus/moby-docker');
for (const listing of readdirSync(MOBY).filter((f) => f.endsWith('.vLx')).sort()) {
  const table = listing.split('.').slice(-2, -1)[0];
  const rules = listing.replace(/\.vLx$/, '.S');
  if (!existsSync(join(MOBY, rules))) continue;
  test(`graph equality: moby docs ${listing} vs ${rules}`, () => {
    const l = parseListing(read(join(MOBY, listing)));
    assert.deepEqual(l.problems, []);
    assert.equal(l.tables[0].name, table, 'table from the built-in chains');
    const s = parseSave(`# iptables -t ${table} -S\n${read(join(MOBY, rules))}`);
    const diffs = compareGraphs(s, l, 'S', 'vL');
    comparisons++;
    if (diffs.length === 0) equal++;
    assert.deepEqual(diffs, []);
  });
}

test('every listing in the fixtures parses: all rows read, no error or warning', () => {
  const listings = walk(FIXTURES).filter((f) => /\.(nvL|nvLx|vLx|Lv|nL|nvL-linenum)(\.txt)?$|nvLx\.stdout\.txt$/.test(f));
  assert.ok(listings.length > 60, `${listings.length} listings`);
  for (const f of listings) {
    const r = parseListing(read(f));
    const bad = r.problems.filter((p) => p.code !== 'ambiguous-table');
    assert.deepEqual(bad, [], f);
    assert.ok(r.tables.length > 0, f);
  }
});

test('graph equality figures', () => {
  // Printed for the report; every comparison above also asserts on its own.
  console.log(`graph equality: ${equal}/${comparisons} file x form comparisons equal`);
  assert.equal(equal, comparisons);
});
