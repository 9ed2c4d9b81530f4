/**
 * Rule shapes (server/src/checks/shape.ts): the walk reads the first rule of
 * each shape and passes over the rest when it was clean. These tests hold the
 * promise that makes that safe (a marked word swapped for another of its kind
 * changes no rule-local finding, over every fixture) and check that the walk
 * finds what each check finds on its own, including where a rule of a clean
 * shape is not clean for reasons outside the shape.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckMemo, RULE_LOCAL_CHECKS, runChecks } from '../../../server/src/checks';
import { resolveOptions } from '../../../server/src/checks/extensions';
import { LineIndex, scopeOf } from '../../../server/src/checks/rules';
import { shapeOf } from '../../../server/src/checks/shape';
import { hookUses } from '../../../server/src/checks/targetWrongChain';
import { endsChain, matchesEverything } from '../../../server/src/checks/unconditional';
import { findTarget } from '../../../server/src/knowledge';
import { parseIPv6 } from '../../../server/src/model/address';
import { Analysis } from '../../../server/src/model/analysis';
import { SaveRule } from '../../../server/src/model/saveRule';
import type { Problem, Rule } from '../../../server/src/model/types';
import { keysOfEachCheck, problemKeys } from '../../support/checkedAlone';
import { generateKubeProxy } from '../../support/kubeProxy';
import { seeded, type Rng } from '../../support/mutations';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Every fixture in save syntax (by its first rule line), plus generated kube-proxy dumps. */
function saveDumps(): { name: string; text: string }[] {
  const out = files(FIXTURES)
    .map((f) => ({ name: relative(FIXTURES, f), text: readFileSync(f, 'utf8') }))
    .filter((d) => !d.text.includes('\0') && /^(?:\[\d+:\d+\] )?-[AI] /m.test(d.text));
  out.push({ name: 'kube-proxy 300', text: generateKubeProxy({ services: 300, endpointsPerService: 3, nodePortEvery: 7, noEndpointsEvery: 10 }).save });
  return out;
}

const rules = (analysis: Analysis): Rule[] => analysis.ruleset.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));

function shape(line: string, header = '*filter\n:INPUT ACCEPT [0:0]\n:A - [0:0]\n:TCPMSS - [0:0]\n'): string | null {
  const analysis = Analysis.of(`${header}${line}\nCOMMIT\n`, 'iptables-save');
  const [rule] = rules(analysis);
  assert.ok(rule instanceof SaveRule);
  return shapeOf(rule);
}

test('rules for two endpoints of a Service have one shape; numbers, names and options stay as written', () => {
  const a = shape('-A A -s 10.244.1.5/32 -m comment --comment "default/a:http" -j A');
  assert.equal(a, shape('-A A -s 10.244.200.17/32 -m comment --comment "kube-system/dns:dns-tcp" -j A'));
  assert.equal(a, '-s \u0001/32 -m comment --comment \u0002 -j \u0003');
  assert.equal(shape('-A A -p tcp -m tcp -j DNAT --to-destination 10.244.1.5:8080', '*nat\n:A - [0:0]\n'), '-p tcp -m tcp -j DNAT --to-destination \u0001:8080');
  assert.equal(shape('-A A -s fd00:10:244::5/128 -j A', '*filter\n:A - [0:0]\n'), '-s \u0004/128 -j \u0003');
  assert.equal(shape('-A A -p tcp -j DNAT --to-destination [fd00::5]:8080', '*nat\n:A - [0:0]\n'), '-p tcp -j DNAT --to-destination [\u0004]:8080');
  assert.equal(shape('-A A -s ::ffff:10.0.0.1 -d 1:2:3:4:5:6:7:8 -j ACCEPT'), '-s \u0004 -d \u0004 -j ACCEPT');
  // Ports, probabilities, prefixes and extension targets are not marked.
  assert.notEqual(shape('-A A -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j ACCEPT'), shape('-A A -d 10.0.0.1/32 -p tcp -m tcp --dport 81 -j ACCEPT'));
  assert.notEqual(shape('-A A -s 10.0.0.0/8 -j ACCEPT'), shape('-A A -s 10.0.0.0/0 -j ACCEPT'));
  assert.notEqual(shape('-A A -j ACCEPT'), shape('-A A -j DROP'));
});

test('words a check may tell apart are not marked', () => {
  // 0.0.0.0 (the legacy-only `! -s 0.0.0.0/0`) and other spellings of addresses.
  assert.equal(shape('-A A ! -s 0.0.0.0/0 -j ACCEPT'), '! -s 0.0.0.0/0 -j ACCEPT');
  assert.equal(shape('-A A -s 010.1.2.3 -j ACCEPT'), '-s 010.1.2.3 -j ACCEPT');
  assert.equal(shape('-A A -s 256.1.2.3 -j ACCEPT'), '-s 256.1.2.3 -j ACCEPT');
  assert.equal(shape('-A A ! -s ::/0 -j ACCEPT'), '! -s ::/0 -j ACCEPT');
  assert.equal(shape('-A A -s 0:0::0 -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT'), '-s 0:0::0 -m mac --mac-source 00:11:22:33:44:55 -j ACCEPT');
  assert.equal(shape('-A A -s 1:2:3:4:5:6:7 -d 1::2::3 -p tcp --dport 80:90 -j ACCEPT'), '-s 1:2:3:4:5:6:7 -d 1::2::3 -p tcp --dport 80:90 -j ACCEPT');
  // Only the word's leading address: the rest of a list or range stays.
  assert.equal(shape('-A A -s 10.0.0.1,10.0.0.2 -j ACCEPT'), '-s \u0001,10.0.0.2 -j ACCEPT');
  // A comment too long for iptables, a quoted word that is not a comment, an unquoted comment.
  const long = 'x'.repeat(256);
  assert.equal(shape(`-A A -m comment --comment "${long}" -j ACCEPT`), `-m comment --comment "${long}" -j ACCEPT`);
  assert.equal(shape(`-A A -m comment --comment "${'é'.repeat(86)}" -j ACCEPT`), `-m comment --comment "${'é'.repeat(86)}" -j ACCEPT`);
  assert.equal(shape('-A A -m comment --comment "é" -j ACCEPT'), '-m comment --comment \u0002 -j ACCEPT');
  assert.equal(shape('-A A -j LOG --log-prefix "in: "'), '-j LOG --log-prefix "in: "');
  assert.equal(shape('-A A -m comment --comment plain -j ACCEPT'), '-m comment --comment plain -j ACCEPT');
  // A chain that shares its name with an extension target, and a built-in chain.
  assert.equal(shape('-A A -j TCPMSS'), '-j TCPMSS');
  assert.equal(shape('-A A -j INPUT'), '-j INPUT');
});

test('a line the tokenizer reads other than word by word at spaces has no shape', () => {
  assert.equal(shape('-A A -m comment --comment "a \\" b" -j ACCEPT'), null);
  assert.equal(shape('-A A -m comment --comment a"b c" -j ACCEPT'), null);
  assert.equal(shape('-A A -m comment --comment "a"b -j ACCEPT'), null);
  assert.equal(shape('-A A -m comment --comment "open -j ACCEPT'), null);
  assert.equal(shape('-A A\t-s 10.0.0.1 -j ACCEPT'), null);
});

test('a line holding the character a mark is written as has no shape, and keeps its own findings', () => {
  for (const mark of ['\u0001', '\u0002', '\u0003', '\u0004']) assert.equal(shape(`-A A -s ${mark}/32 -j ACCEPT`), null);
  // Only that line: the lines around it keep theirs.
  const text = '*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n-A INPUT -j X\n-A X -s 10.0.0.1/32 -j ACCEPT\n-A X -s \u0001/32 -j ACCEPT\n-A X -s 10.0.0.2/32 -j ACCEPT\nCOMMIT\n';
  const analysis = Analysis.of(text, 'iptables-save');
  const [, first, garbage, third] = rules(analysis) as SaveRule[];
  assert.equal(shapeOf(first), '-s \u0001/32 -j ACCEPT');
  assert.equal(shapeOf(garbage), null);
  assert.equal(shapeOf(third), shapeOf(first));
  // Read as the first rule's shape, the garbage address passed for an address: its bad-value was lost.
  const found = runChecks(analysis).map((p) => `${p.span.line + 1} ${p.code}`);
  assert.deepEqual(found, ['6 bad-value']);
});

test('an IPv6 word is marked exactly when it is an address other than ::', () => {
  const rng = seeded(6);
  const alphabet = '0123456789abcdefABCDEF:.';
  let marked = 0;
  for (let n = 0; n < 20000; n++) {
    // Random strings, and random addresses spelled out in full or shortened.
    let word = '';
    if (rng() < 0.5) {
      const len = 1 + Math.floor(rng() * 20);
      for (let i = 0; i < len; i++) word += alphabet[Math.floor(rng() * alphabet.length)];
    } else {
      word = address6(rng);
    }
    const value = parseIPv6(word);
    const expected = value !== undefined && value !== 0n;
    const got = shape(`-A A -s ${word} -j ACCEPT`, '*filter\n:A - [0:0]\n')!.includes('\u0004');
    assert.equal(got, expected, word);
    if (got) marked++;
  }
  assert.ok(marked > 5000, `${marked} marked`);
});

/** Random words of the kinds shape.ts marks. */
function address(rng: Rng): string {
  for (;;) {
    const parts = [0, 0, 0, 0].map(() => Math.floor(rng() * 256));
    if (parts.some((p) => p !== 0)) return parts.join('.');
  }
}

/** A random IPv6 address other than ::, in full, with :: for a run of zero groups, or with a dotted tail. */
function address6(rng: Rng): string {
  for (;;) {
    const groups = Array.from({ length: 8 }, () => (rng() < 0.4 ? 0 : Math.floor(rng() * 65536)));
    if (groups.every((g) => g === 0)) continue;
    const hex = groups.map((g) => (rng() < 0.2 ? g.toString(16).toUpperCase() : g.toString(16)));
    const style = rng();
    if (style < 0.3) return hex.join(':');
    if (style < 0.5) return `${hex.slice(0, 6).join(':')}:${groups[6] >> 8}.${groups[6] & 255}.${groups[7] >> 8}.${groups[7] & 255}`;
    const at = Math.floor(rng() * 7);
    const len = 1 + Math.floor(rng() * (8 - at - 1));
    return `${hex.slice(0, at).join(':')}::${hex.slice(at + len).join(':')}`;
  }
}

const COMMENT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 /:.-_!,=';

/** A comment iptables keeps (up to 255 bytes): ASCII up to 255 characters, or up to 85 with any characters. */
function comment(rng: Rng): string {
  const wide = rng() < 0.5;
  const n = Math.floor(rng() * (wide ? 86 : 256));
  let s = '';
  for (let i = 0; i < n; i++) s += wide && rng() < 0.2 ? 'é' : COMMENT_CHARS[Math.floor(rng() * COMMENT_CHARS.length)];
  return s;
}

const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);
const ADDRESS_WORD = /(^| )((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?=[^\d.]|$)/g;
/** Hex digits, colons and dots at a word's start or after its bracket: an IPv6 address if parseIPv6 reads it. */
const ADDRESS6_WORD = /(^| \[?)([0-9a-fA-F:.]*:[0-9a-fA-F:.]*)(?=[^0-9a-fA-F:.]|$)/g;
const TARGET_WORD = /( -[jg] )(\S+)(?= |$)/g;

/** Whether a comment fits in iptables' 255 bytes. */
const fits = (text: string) => Buffer.byteLength(text, 'utf8') <= 255;

const pick = <T>(rng: Rng, items: readonly T[]): T | undefined => (items.length ? items[Math.floor(rng() * items.length)] : undefined);

/**
 * One rule line with every word of a marked kind swapped for another of its
 * kind, found from the text alone: leading dotted quads of words (not
 * 0.0.0.0), quoted comments iptables keeps, and jump or goto targets that
 * name neither a built-in chain nor a target extension, so a chain of the
 * table or a missing one (swapped for a user chain of the table, `users`,
 * when it has any); and how many words it swapped.
 */
function swapLine(line: string, users: readonly string[], rng: Rng): { line: string; swaps: number } {
  let swaps = 0;
  const swap = (to: string) => {
    swaps++;
    return to;
  };
  // Quoted words (odd parts) are values as a whole: only a comment is swapped there.
  const parts = line.split(/("[^"\\]*")(?= |$)/);
  return {
    line: parts.map((part, i) => {
      if (i % 2 === 1) return parts[i - 1].endsWith(' --comment ') && fits(part.slice(1, -1)) ? `"${swap(comment(rng))}"` : part;
      return part
        .replace(ADDRESS_WORD, (all, before: string, quad: string) => (quad === '0.0.0.0' ? all : before + swap(address(rng))))
        .replace(ADDRESS6_WORD, (all, before: string, word: string) => {
          const value = parseIPv6(word);
          return value === undefined || value === 0n ? all : before + swap(address6(rng));
        })
        .replace(TARGET_WORD, (all, before: string, name: string) => (BUILTIN.has(name) || findTarget(name) ? all : before + swap(pick(rng, users) ?? name)));
    }).join(''),
    swaps,
  };
}

const RULE_LINE = /^(?:\[\d+:\d+\] )?-[AI] /;

/** The dump with every rule line swapped (see swapLine), and the swaps made on each line. */
function swapped(text: string, rng: Rng): { text: string; swaps: Map<number, number> } {
  // Chains per table block; a dump without `*table` lines (iptables -S) is one block.
  let chains: string[] = [];
  const lines = text.split('\n');
  const blocks: string[][] = [chains];
  for (const line of lines) {
    if (line.startsWith('*')) blocks.push((chains = []));
    const m = /^:(\S+)/.exec(line) ?? /^-N (\S+)/.exec(line);
    if (m && !BUILTIN.has(m[1]) && !findTarget(m[1])) chains.push(m[1]);
  }
  let block = 0;
  const swaps = new Map<number, number>();
  const out = lines.map((line, n) => {
    if (line.startsWith('*')) block++;
    if (!RULE_LINE.test(line)) return line;
    const done = swapLine(line, blocks[block] ?? [], rng);
    swaps.set(n, done.swaps);
    return done.line;
  });
  return { text: out.join('\n'), swaps };
}

/** What the rule-local checks find on each rule, by rule: codes and severities, and the facts the walk keeps. */
function ruleFindings(analysis: Analysis): string[] {
  const lines = new LineIndex(analysis.text);
  const out: string[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      const scope = scopeOf(analysis.ruleset, table, chain, lines);
      for (const rule of chain.rules) {
        const found: Problem[] = [...rule.ownProblems()];
        const options = resolveOptions(rule, scope.family);
        for (const check of RULE_LOCAL_CHECKS) check(rule, options, scope, found);
        const codes = found.map((p) => `${p.code}/${p.severity}`).sort();
        const uses = hookUses(rule, scope)?.map((u) => `${u.label} in ${u.hooks.join('/')}`) ?? [];
        out.push(`${rule.span.line + 1}: ${codes.join(' ')} | ends ${endsChain(rule)} everything ${matchesEverything(rule)} | ${uses.join(' ')}`);
      }
    }
  }
  return out;
}

test('a marked word swapped for another of its kind changes no rule-local finding, over every save fixture', () => {
  let compared = 0;
  let changed = 0;
  for (const { name, text } of saveDumps()) {
    const rng = seeded(compared + 1);
    const original = Analysis.of(text, 'iptables-save');
    const expected = ruleFindings(original);
    for (let round = 0; round < 3; round++) {
      const other = swapped(text, rng);
      if (round === 0) {
        // shape.ts marks exactly the words swapped here: no more (which the swaps would not test), no fewer.
        for (const rule of rules(original)) {
          if (!(rule instanceof SaveRule) || !other.swaps.has(rule.span.line)) continue;
          const marks = shapeOf(rule)?.match(/[\u0001-\u0004]/g)?.length;
          if (marks !== undefined) assert.equal(marks, other.swaps.get(rule.span.line), `${name}:${rule.span.line + 1}`);
        }
      }
      if (other.text === text) break;
      changed++;
      assert.deepEqual(ruleFindings(Analysis.of(other.text, 'iptables-save')), expected, name);
    }
    compared++;
  }
  assert.ok(compared > 100 && changed > 100, `${compared} dumps, ${changed} swapped`);
});

/** Rules that share a shape with an earlier clean rule but are not clean themselves, or are reached from the wrong hook. */
const PAIRS = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:SEP-A - [0:0]
:SEP-B - [0:0]
:X - [0:0]
-A PREROUTING -j SEP-A
-A POSTROUTING -j SEP-B
-A SEP-A -p tcp -m comment --comment "default/a:http" -j DNAT --to-destination 10.244.0.1:8080
-A SEP-B -p tcp -m comment --comment "default/b:http" -j DNAT --to-destination 10.244.0.22:8080
-A X -p tcp -j DNAT --to-destination 10.244.0.1:8080
-A X -p tcp -j DNAT --to-destination 10.244.0.1:80800
-A X ! -s 10.0.0.0/0 -j RETURN
-A X ! -s 0.0.0.0/0 -j RETURN
-A X -s 10.0.0.1 -j SEP-A
-A X -s 10.0.0.1 -j INPUT
-A X -s 10.0.0.1 -j SEP-A
COMMIT
*filter
:INPUT ACCEPT [0:0]
:Y1 - [0:0]
:Y2 - [0:0]
:Y3 - [0:0]
:Y4 - [0:0]
-A INPUT -j Y1
-A INPUT -j Y2
-A INPUT -j Y3
-A INPUT -j Y4
-A Y1 -m comment --comment "first" -j DROP
-A Y2 -m comment --comment "second" -j DROP
-A Y2 -s 10.0.0.1/32 -j ACCEPT
-A Y4 -s 10.0.0.4/32 -p tcp -j RETURN
-A Y3 -s 10.0.0.3/32 -p tcp -j RETURN
-A Y3 -s 10.0.0.3/32 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`;

test('the walk finds what each check finds on its own, over every save fixture and rules that share a shape', () => {
  for (const { name, text } of [...saveDumps(), { name: 'pairs', text: PAIRS }]) {
    const alone = keysOfEachCheck(Analysis.of(text, 'iptables-save'));
    assert.deepEqual(problemKeys(runChecks(Analysis.of(text, 'iptables-save'))), alone, name);
    assert.deepEqual(problemKeys(runChecks(Analysis.of(text, 'iptables-save'), undefined, new CheckMemo())), alone, `${name}, with a memo`);
  }
  // The pairs' own findings, by hand: the second DNAT (reached from POSTROUTING), the bad port, `! -s 0.0.0.0/0`, the jump to INPUT.
  const codes = runChecks(Analysis.of(PAIRS, 'iptables-save')).map((p) => `${p.span.line + 1} ${p.code}`);
  const expected = ['12 target-wrong-chain', '14 bad-value', '16 legacy-only', '18 jump-to-builtin', '33 unreachable-rule', '36 shadowed-rule'];
  for (const code of expected) assert.ok(codes.includes(code), `${code} in ${codes.join(', ')}`);
  assert.ok(!codes.some((c) => c.startsWith('11 ') || c.startsWith('13 ') || c.startsWith('15 ')), codes.join(', '));
});

test('on a kube-proxy dump the walk parses the first rule of each shape, and of the rest only those the shadow scan needs', () => {
  const dump = generateKubeProxy({ services: 300, endpointsPerService: 3, nodePortEvery: 7, noEndpointsEvery: 10 });
  const analysis = Analysis.of(dump.save, 'iptables-save');
  const lines = dump.save.split('\n');
  const seen = new Set<string>();
  const again: string[] = [];
  let parsed = 0;
  let count = 0;
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        count++;
        const key = `${table.name} ${chain.builtin ? chain.name : ''} ${rule.target?.kind} ${shapeOf(rule as SaveRule)}`;
        const first = !seen.has(key);
        seen.add(key);
        // A rule that ends its chain may shadow later ones: the shadow scan reads what it matches.
        const needed = first || endsChain(rule);
        const proto = Object.getPrototypeOf(rule) as Rule;
        const matches = Object.getOwnPropertyDescriptor(proto, 'matches')!.get!;
        let told = false;
        Object.defineProperty(rule, 'matches', {
          get() {
            if (!told) {
              parsed++;
              if (!needed) again.push(lines[rule.span.line]);
            }
            told = true;
            return matches.call(this);
          },
        });
      }
    }
  }
  assert.deepEqual(runChecks(analysis).filter((p) => p.severity === 'error'), []);
  assert.deepEqual(again, []);
  assert.ok(parsed < count / 20, `${parsed} of ${count} rules parsed`);
});
