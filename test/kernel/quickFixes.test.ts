/**
 * Every quick fix leaves a file the kernel loads: break fixtures the kernel
 * accepts (missing chain, misspelled target, deleted COMMIT, undeclared chain,
 * dead rule, unused chain), apply the fixes the editor offers, and load the
 * result with iptables-restore (nf_tables) in a network namespace.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runChecks } from '../../server/src/checks';
import { codeActions } from '../../server/src/features/codeActions';
import { toRange } from '../../server/src/features/convert';
import { Analysis } from '../../server/src/model/analysis';
import { applyEdits } from '../support/applyEdits';
import { mutate } from '../support/mutations';
import { oracleUnavailable, RestoreOracle } from '../support/restoreOracle';

const FIXTURES = join(__dirname, '..', 'fixtures');
const URI = 'file:///fixed.rules';

/** The codes whose fixes are exercised, and the mutation that produces each. */
const BREAKS: Record<string, string> = {
  'undefined-target': 'undefined-chain',
  'misspelled-target': 'undefined-chain',
  'delete-commit': 'missing-commit',
  'undeclared-chain': 'undeclared-chain',
  'unreachable-rule': 'unreachable-rule',
};

function saveFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.save$/.test(e)) out.push(p);
    }
  };
  walk(join(FIXTURES, 'corpus'));
  walk(join(FIXTURES, 'seed'));
  return out;
}

/** Applies the preferred (else first) fix for a problem of `code` until none is left; null when none is offered. */
function fixAll(text: string, code: string): { text: string; applied: string[] } | null {
  const applied: string[] = [];
  for (let round = 0; round < 20; round++) {
    const analysis = Analysis.of(text, 'iptables-save');
    const problem = runChecks(analysis).find((p) => p.code === code);
    if (!problem) return applied.length ? { text, applied } : null;
    const actions = codeActions(analysis, URI, toRange(problem.span)).filter((a) => a.diagnostics?.[0]?.code === code);
    const action = actions.find((a) => a.isPreferred) ?? actions[0];
    if (!action) return null;
    applied.push(action.title);
    text = applyEdits(text, action.edit!.changes![URI]);
  }
  return { text, applied };
}

test('quick fixes leave files the kernel loads', (t) => {
  const why = oracleUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const oracle = new RestoreOracle('ilfix');
  const failures: string[] = [];
  let fixed = 0;
  oracle.start();
  try {
    saveFiles().forEach((file, i) => {
      const base = readFileSync(file, 'utf8');
      const analysis = Analysis.of(base, 'iptables-save');
      const family = analysis.ruleset.family;
      if (!oracle.load(base, family).ok) return;
      const name = relative(FIXTURES, file);
      const cases: { label: string; text: string; code: string }[] = [];
      for (const m of mutate(base, 2000 + i, Object.keys(BREAKS))) cases.push({ label: `${name} ~ ${m.kind}`, text: m.text, code: BREAKS[m.kind] });
      if (runChecks(analysis).some((p) => p.code === 'unreferenced-chain')) cases.push({ label: `${name} (unused chains)`, text: base, code: 'unreferenced-chain' });
      for (const c of cases) {
        const result = fixAll(c.text, c.code);
        if (!result) continue;
        const loaded = oracle.load(result.text, family);
        fixed++;
        if (!loaded.ok) failures.push(`${c.label}: after ${result.applied.join(', ')}: ${loaded.output}`);
        const left = runChecks(Analysis.of(result.text, 'iptables-save')).filter((p) => p.severity === 'error');
        if (left.length) failures.push(`${c.label}: errors left after fixing: ${left.map((p) => `${p.code}@${p.span.line + 1}`).join(', ')}`);
      }
    });
  } finally {
    oracle.stop();
  }
  t.diagnostic(`${fixed} fixed files loaded`);
  assert.ok(fixed >= 30, `only ${fixed} files were fixed`);
  assert.deepEqual(failures, []);
});
