/**
 * Hostile shapes: inputs built to break parsers and graph walks. Each must
 * parse, check and answer features without throwing or recursing deeply, and
 * the answers must still be right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analysis } from '../../../server/src/model/analysis';
import { toJson } from '../../../server/src/model/toJson';
import { checkFailures, runChecks } from '../../../server/src/checks';
import { exercise } from '../../support/fuzz';
import '../../support/fuzzExtras';

const everywhere = [0, 0.25, 0.5, 0.75, 0.999].map((f) => ({ line: f, character: f }));

test('a 1 MB single line of garbage gets a problem on line 1 and features still answer', () => {
  const text = 'x'.repeat(1 << 20);
  const a = Analysis.of(text, 'iptables-save');
  assert.ok(a.ruleset.problems.some((p) => p.severity === 'error' && p.span.line === 0));
  exercise(text, 'iptables-save', everywhere);
});

test('a rule with a 1 MB comment parses, keeps the whole comment, and is refused as iptables-restore would', () => {
  const text = `*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "${'c'.repeat(1 << 20)}" -j ACCEPT\nCOMMIT\n`;
  const a = Analysis.of(text);
  const rule = a.ruleset.tables[0].chainsByName.get('INPUT')!.rules[0];
  assert.equal(rule.comments[0].length, 1 << 20);
  assert.equal(rule.target?.kind, 'accept');
  assert.ok(runChecks(a).some((p) => p.code === 'parameter-too-long' && p.severity === 'error' && p.span.line === 2));
  exercise(text, undefined, everywhere);
});

test('NUL bytes and invalid UTF-8 never throw, and the valid rules around them still parse', () => {
  const bytes = Buffer.concat([
    Buffer.from('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.0/8 -j ACCEPT\n'),
    Buffer.from([0x2d, 0x41, 0x20, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x0a]),
    Buffer.from('-A INPUT -j DROP\nCOMMIT\n'),
  ]);
  const text = bytes.toString('utf8');
  const a = Analysis.of(text);
  const input = a.ruleset.tables[0].chainsByName.get('INPUT')!;
  assert.deepEqual(input.rules.filter((r) => r.target).map((r) => r.target!.name), ['ACCEPT', 'DROP']);
  exercise(text, undefined, everywhere);
});

test('a 10,000-deep chain of jumps is walked without recursion', () => {
  const n = 10_000;
  const decl = Array.from({ length: n }, (_, i) => `:C${i} - [0:0]`).join('\n');
  const rules = Array.from({ length: n - 1 }, (_, i) => `-A C${i} -j C${i + 1}`).join('\n');
  const text = `*filter\n:INPUT ACCEPT [0:0]\n${decl}\n-A INPUT -j C0\n${rules}\nCOMMIT\n`;
  const a = Analysis.of(text);
  const g = a.graphOf(a.ruleset.tables[0]);
  assert.ok(g.reachable.has(`C${n - 1}`), 'the last chain is reachable from INPUT');
  assert.deepEqual(g.cycles, []);
  exercise(text, undefined, everywhere);
});

test('a 10,000-chain cycle is found as one loop', () => {
  const n = 10_000;
  const decl = Array.from({ length: n }, (_, i) => `:L${i} - [0:0]`).join('\n');
  const rules = Array.from({ length: n }, (_, i) => `-A L${i} -j L${(i + 1) % n}`).join('\n');
  const text = `*filter\n:INPUT ACCEPT [0:0]\n${decl}\n-A INPUT -j L0\n${rules}\nCOMMIT\n`;
  const a = Analysis.of(text);
  const cycles = a.graphOf(a.ruleset.tables[0]).cycles;
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0].length, n);
  exercise(text, undefined, everywhere);
});

test('100,000 chains and 10,000 rules with the same comment', () => {
  const decl = Array.from({ length: 100_000 }, (_, i) => `:U${i} - [0:0]`).join('\n');
  const rules = Array.from({ length: 10_000 }, () => '-A INPUT -m comment --comment "same comment" -j U7').join('\n');
  const text = `*filter\n:INPUT ACCEPT [0:0]\n${decl}\n${rules}\nCOMMIT\n`;
  const a = Analysis.of(text);
  const t = a.ruleset.tables[0];
  assert.equal(t.chains.length, 100_000 + 3);
  assert.equal(a.graphOf(t).incoming.get('U7')!.length, 10_000);
  exercise(text, undefined, [{ line: 0.99, character: 0.9 }, { line: 0.5, character: 0.1 }]);
});

test('CRLF and LF mixed line by line give the same model as LF only', () => {
  const lf = '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES\n-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 443 -j RETURN\nCOMMIT\n';
  const mixed = lf.split('\n').map((l, i) => (i % 2 ? l + '\r' : l)).join('\n');
  assert.deepEqual(toJson(Analysis.of(mixed).ruleset), toJson(Analysis.of(lf).ruleset));
  exercise(mixed, undefined, everywhere);
});

test('a listing whose every column overflows still gives the right targets and chains', () => {
  // Widths as iptables -nvL -x prints them; every field here is wider than its column.
  const text = [
    'Chain INPUT (policy DROP 123456789012 packets, 98765432109876 bytes)',
    '    pkts      bytes target     prot opt in     out     source               destination',
    '123456789012 98765432109876 KUBE-SVC-ABCDEFGHIJKLMNOP  6    --  br-1234567890ab veth1234567890 2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff  2001:db8:aaaa:bbbb:cccc:dddd:eeee:1111  tcp dpt:8080',
    '',
    'Chain KUBE-SVC-ABCDEFGHIJKLMNOP (1 references)',
    '    pkts      bytes target     prot opt in     out     source               destination',
  ].join('\n');
  const a = Analysis.of(text);
  assert.equal(a.ruleset.format, 'listing');
  const input = a.ruleset.tables[0].chainsByName.get('INPUT')!;
  assert.equal(input.policy, 'DROP');
  assert.equal(input.rules.length, 1);
  assert.equal(input.rules[0].target?.name, 'KUBE-SVC-ABCDEFGHIJKLMNOP');
  assert.equal(input.rules[0].target?.kind, 'jump');
  assert.deepEqual(input.rules[0].counters && [input.rules[0].counters.packets, input.rules[0].counters.bytes], [123456789012, 98765432109876]);
  exercise(text, undefined, everywhere);
});

test('names every JavaScript object has (constructor, __proto__, toString…) are ordinary words everywhere', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
  const save = (n: string) => [
    `*filter`, `:INPUT ACCEPT [0:0]`, `:${n} - [0:0]`,
    `-A INPUT -m ${n} --${n} ${n} -j ${n}`,
    `-A INPUT -p ${n} --dport 22 -j ACCEPT`,
    `-A INPUT -m conntrack --ctstate ${n} -m addrtype --src-type ${n} -j LOG --log-level ${n}`,
    `-A INPUT -p icmp --icmp-type ${n} -j REJECT --reject-with ${n}`,
    `-A INPUT -p tcp -m tcp --tcp-flags ${n} ${n} -m comment --comment ${n} -j ${n}`,
    `-A ${n} -m tcp --dport 22 -j ACCEPT`,
    `COMMIT`, `*${n}`, `COMMIT`, '',
  ].join('\n');
  const listing = (n: string) => [
    `Chain INPUT (policy ACCEPT 0 packets, 0 bytes)`,
    ` pkts bytes target     prot opt in     out     source               destination`,
    `    0     0 ${n}  ${n} --  *      *       0.0.0.0/0            0.0.0.0/0            ${n} dpt:${n} state ${n}`,
    `    0     0 ACCEPT     tcp  --  *      *       0.0.0.0/0            0.0.0.0/0            tcp dpt:${n}`,
    '', `Chain ${n} (1 references)`, ` pkts bytes target     prot opt in     out     source               destination`, '',
  ].join('\n');
  for (const n of names) {
    for (const [text, language] of [[save(n), 'iptables-save'], [listing(n), 'iptables-listing']] as const) {
      const a = Analysis.of(text, language);
      const problems = runChecks(a);
      assert.deepEqual(checkFailures(a), [], `${n} in ${language}`);
      if (language === 'iptables-save') {
        // The tcp match without -p is still reported, on the last rule line, and no "often missing" note comes with the unknown match.
        assert.ok(problems.some((p) => p.code === 'missing-protocol' && p.span.line === 8), `${n}: missing-protocol`);
        assert.ok(!problems.some((p) => p.code === 'extension-unavailable'), `${n}: ${problems.filter((p) => p.code === 'extension-unavailable').map((p) => p.message).join(' ')}`);
        const json = JSON.stringify(toJson(a.ruleset));
        assert.equal(json.includes('function'), false);
        // The option is in the JSON under its own name, __proto__ included.
        assert.ok(json.includes(`"options":{"${n}":"${n}"}`), `${n}: its option in --json`);
      }
      exercise(text, language, [0, 0.2, 0.4, 0.6, 0.8].flatMap((l) => [0.1, 0.3, 0.5, 0.7, 0.9].map((c) => ({ line: l, character: c }))));
    }
  }
});
