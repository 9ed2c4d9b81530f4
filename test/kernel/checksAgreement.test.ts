/**
 * Diagnostics agree with the kernel: for every save-format fixture and a few
 * hundred mutants of them, an error diagnostic appears exactly when
 * iptables-restore (nf_tables) refuses the file, and the first error is on
 * the line the kernel names (for a missing chain, which the kernel reports at
 * the table's COMMIT, on a rule of that table).
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstError, firstReported, reportedLine, runChecks } from '../../server/src/checks';
import { Analysis } from '../../server/src/model/analysis';
import { detectFormat } from '../../server/src/model/parse';
import { MUTATION_KINDS, mutate } from '../support/mutations';
import { oracleUnavailable, RestoreOracle, type RestoreResult } from '../support/restoreOracle';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Mutants made from each fixture. */
const PER_FIXTURE = 5;

/** Every fixture in save format (dumps, kernel re-saves, reference rulesets). */
function saveFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(save|rules|txt)$/.test(e) && !/README|SOURCES|stderr/.test(e)) {
        const text = readFileSync(p, 'utf8');
        if (/^\*[a-z]/m.test(text) && detectFormat(text) === 'save') out.push(p);
      }
    }
  };
  walk(FIXTURES);
  return out;
}

export interface Verdict {
  name: string;
  agree: boolean;
  /** Refused by the kernel because of the machine (a set, an accounting object, DNS), and flagged as such. */
  environment: boolean;
  /** Whether the kernel refused the file. */
  refused: boolean;
  reason: string;
}

/** Compares our diagnostics for one file with what the kernel did. */
export function judge(name: string, text: string, kernel: RestoreResult): Verdict {
  return { ...compare(name, text, kernel), refused: !kernel.ok };
}

function compare(name: string, text: string, kernel: RestoreResult): Omit<Verdict, 'refused'> {
  const analysis = Analysis.of(text, 'iptables-save');
  const problems = runChecks(analysis);
  const errors = problems.filter((p) => p.severity === 'error');
  const first = firstError(problems, analysis.ruleset);
  const ours = first ? reportedLine(first, analysis.ruleset) + 1 : null;
  const describe = (p: typeof first) => (p ? `${p.code} at line ${p.span.line + 1} (reported as ${reportedLine(p, analysis.ruleset) + 1}): ${p.message}` : 'no error');
  if (kernel.ok) {
    return errors.length
      ? { name, agree: false, environment: false, reason: `kernel accepts, we say ${describe(first)}` }
      : { name, agree: true, environment: false, reason: '' };
  }
  // The kernel stopped at an object this machine lacks (an ipset, a DNS name…), which we flag as a warning on that line.
  const env = problems.find((p) => p.data?.environment && reportedLine(p, analysis.ruleset) + 1 === kernel.line);
  if (env && firstReported([...errors, env], analysis.ruleset) === env) {
    return { name, agree: false, environment: true, reason: `kernel refuses at line ${kernel.line} (${kernel.output.replace(/\s+/g, ' ').slice(0, 120)}); we warn ${env.code} there${first ? `, and our first error is later: ${describe(first)}` : ''}` };
  }
  if (!first) {
    return { name, agree: false, environment: false, reason: `kernel refuses (${kernel.output.replace(/\s+/g, ' ').slice(0, 160)}, line ${kernel.line}), we have no error` };
  }
  if (ours !== kernel.line) {
    return { name, agree: false, environment: false, reason: `kernel names line ${kernel.line} (${kernel.output.replace(/\s+/g, ' ').slice(0, 160)}), our first error: ${describe(first)}` };
  }
  return { name, agree: true, environment: false, reason: '' };
}

test('diagnostics agree with iptables-restore (nf_tables) on fixtures and their mutants', (t) => {
  const why = oracleUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const files = saveFixtures();
  const cases: { name: string; text: string }[] = [];
  files.forEach((file, i) => {
    let text = readFileSync(file, 'utf8');
    let name = relative(FIXTURES, file);
    cases.push({ name, text });
    // A dump that needs ipsets or other objects this namespace lacks stops there, so the rest of it is
    // tested (and mutated) without those rules.
    const env = new Set(runChecks(Analysis.of(text, 'iptables-save')).filter((p) => p.data?.environment).map((p) => p.span.line));
    if (env.size) {
      text = text.split('\n').filter((_, l) => !env.has(l)).join('\n');
      name = `${name} (without the ${env.size} rules that need host objects)`;
      cases.push({ name, text });
    }
    // Each fixture gets a few kinds of mutation in turn, so every kind meets many dumps and the run stays short.
    const kinds = Array.from({ length: PER_FIXTURE }, (_, j) => MUTATION_KINDS[(i * PER_FIXTURE + j) % MUTATION_KINDS.length]);
    for (const m of mutate(text, 1000 + i, kinds)) cases.push({ name: `${name} ~ ${m.kind}`, text: m.text });
  });
  const oracle = new RestoreOracle('ilchk');
  const verdicts: Verdict[] = [];
  const started = Date.now();
  oracle.start();
  try {
    for (const c of cases) {
      const family = Analysis.of(c.text, 'iptables-save').ruleset.family;
      verdicts.push(judge(c.name, c.text, oracle.load(c.text, family)));
    }
  } finally {
    oracle.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  const agreed = verdicts.filter((v) => v.agree).length;
  const env = verdicts.filter((v) => !v.agree && v.environment);
  const wrong = verdicts.filter((v) => !v.agree && !v.environment);
  t.diagnostic(`${files.length} fixtures, ${cases.length} files in all, loaded in ${seconds.toFixed(1)} s`);
  t.diagnostic(`agreement: ${agreed}/${verdicts.length} (${((100 * agreed) / verdicts.length).toFixed(1)}%); ${env.length} refused because of the machine (flagged as warnings)`);
  const kinds = new Map<string, number>();
  for (const c of cases) {
    const kind = c.name.split(' ~ ')[1] ?? 'fixture';
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  t.diagnostic(`files by kind: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  t.diagnostic(`refused by the kernel: ${verdicts.filter((v) => v.refused).length}; accepted: ${verdicts.filter((v) => !v.refused).length}`);
  for (const v of [...env, ...wrong]) t.diagnostic(`${v.environment ? 'environment' : 'DISAGREE'}: ${v.name}: ${v.reason}`);
  assert.ok(cases.length >= 300, `only ${cases.length} files`);
  assert.deepEqual(wrong.map((v) => `${v.name}: ${v.reason}`), []);
});
