import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSave } from '../../../server/src/model/parseSave';
import { findMatch, findOption, findTarget, MATCHES, TARGETS } from '../../../server/src/knowledge';

const REFERENCE = join(__dirname, '..', '..', 'fixtures', 'reference');

/** Names the reference files use on purpose to provoke "Couldn't load match" errors. */
const DELIBERATELY_UNKNOWN = new Set(['doesnotexist']);

for (const file of ['rules4.rules', 'rules6.rules']) {
  test(`every match, option and target in ${file} has an explanation`, () => {
    const ruleset = parseSave(readFileSync(join(REFERENCE, file), 'utf8'));
    const missing: string[] = [];
    let checked = 0;
    for (const table of ruleset.tables) {
      for (const chain of table.chains) {
        for (const rule of chain.rules) {
          for (const m of rule.matches) {
            if (DELIBERATELY_UNKNOWN.has(m.module)) continue;
            const info = findMatch(m.module);
            checked++;
            if (!info || !info.summary) { missing.push(`match ${m.module}`); continue; }
            for (const o of m.options) {
              checked++;
              if (!findOption(info, o.name)?.summary) missing.push(`option ${m.module} --${o.name}`);
            }
          }
          const t = rule.target;
          if (!t || t.kind === 'jump' || t.kind === 'goto') continue;
          const info = findTarget(t.name);
          checked++;
          if (!info || !info.summary) { missing.push(`target ${t.name}`); continue; }
          for (const o of t.options) {
            checked++;
            if (!findOption(info, o.name)?.summary) missing.push(`option ${t.name} --${o.name}`);
          }
        }
      }
    }
    assert.ok(checked > 300, `only ${checked} names checked`);
    assert.deepEqual([...new Set(missing)], []);
  });
}

test('the table covers at least 60 matches and 34 target extensions plus the four verdicts', () => {
  // Generic options (-s, -d, -i, -o, -p, -f) are entries too but are not extensions.
  const generic = new Set(['source', 'destination', 'in-interface', 'out-interface', 'protocol', 'fragment']);
  assert.ok(MATCHES.filter((m) => !generic.has(m.name)).length >= 60);
  const verdicts = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'];
  for (const v of verdicts) assert.ok(findTarget(v), v);
  assert.ok(TARGETS.filter((t) => !verdicts.includes(t.name)).length >= 34);
});

test('names are unique and every option has a summary and an arity', () => {
  const seen = new Set<string>();
  for (const e of [...MATCHES, ...TARGETS]) {
    const key = `${e.kind}:${e.name}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
    assert.ok(e.summary.length > 10, key);
    const names = new Set<string>();
    for (const o of e.options) {
      assert.ok(!names.has(o.name), `${key} --${o.name} twice`);
      names.add(o.name);
      assert.ok(o.summary.length > 3, `${key} --${o.name}`);
    }
  }
});

/** Every option occurrence in both reference files, with the words iptables-save wrote after it. */
function referenceOptions(): { owner: string; family: 'ipv4' | 'ipv6'; info: ReturnType<typeof findOption>; name: string; values: string[] }[] {
  const out: ReturnType<typeof referenceOptions> = [];
  for (const [file, family] of [['rules4.rules', 'ipv4'], ['rules6.rules', 'ipv6']] as const) {
    const ruleset = parseSave(readFileSync(join(REFERENCE, file), 'utf8'));
    for (const table of ruleset.tables) for (const chain of table.chains) for (const rule of chain.rules) {
      for (const m of rule.matches) {
        const info = findMatch(m.module);
        if (info) for (const o of m.options) out.push({ owner: m.module, family, info: findOption(info, o.name), name: o.name, values: o.values });
      }
      const t = rule.target;
      const info = t && findTarget(t.name);
      if (t && info) for (const o of t.options) out.push({ owner: t.name, family, info: findOption(info, o.name), name: o.name, values: o.values });
    }
  }
  return out;
}

test('arity agrees with the number of words after each option in the reference files', () => {
  const expected = { none: [0], one: [1], two: [2], optional: [0, 1] } as const;
  const wrong = referenceOptions()
    .filter((r) => r.info && !(expected[r.info.arity] as readonly number[]).includes(r.values.length))
    .map((r) => `${r.owner} --${r.name} (${r.info!.arity}) got ${r.values.length}: ${r.values.join(' ')}`);
  assert.deepEqual([...new Set(wrong)], []);
});

test('closed value sets contain every value the reference files use', () => {
  const closed = new Set(['ctstate', 'state', 'ctstatus', 'ctdir', 'src-type', 'dst-type', 'reject-with', 'log-level', 'pkt-type', 'connbytes-dir', 'connbytes-mode', 'mode', 'hashlimit-mode', 'dccp-types']);
  const wrong: string[] = [];
  for (const r of referenceOptions()) {
    if (!r.info || !closed.has(r.info.name) || !r.values.length) continue;
    const allowed = r.info.valuesByFamily?.[r.family] ?? r.info.values ?? [];
    const words = r.info.list ? r.values[0].split(',') : [r.values[0]];
    for (const w of words) if (!allowed.includes(w)) wrong.push(`${r.owner} --${r.name} ${w} (${r.family})`);
  }
  // The reference deliberately uses three values iptables refuses (SAVE_VS_NVL §7: R394, R398, S103).
  assert.deepEqual([...new Set(wrong)].sort(), [
    'LOG --log-level warn (ipv4)', 'REJECT --reject-with echo-reply (ipv4)', 'REJECT --reject-with icmp-host-prohibited (ipv6)',
  ]);
});

test('terminating targets end the walk; the others go on with the next rule', () => {
  // By kernel verdict: NF_ACCEPT/NF_DROP/NF_QUEUE/XT_RETURN end the table walk, XT_CONTINUE does not.
  const terminating = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'TPROXY', 'NFQUEUE', 'SYNPROXY'];
  for (const t of TARGETS) {
    assert.equal(t.terminating, terminating.includes(t.name), `${t.name} terminating should be ${terminating.includes(t.name)}`);
  }
  assert.ok(findTarget('LOG')!.terminating === false && findTarget('MARK')!.terminating === false && findTarget('CT')!.terminating === false);
});
