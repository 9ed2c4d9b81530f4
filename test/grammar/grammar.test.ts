import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STANDARD_TARGETS, TARGET_EXTENSION_NAMES } from '../../server/src/model/targetNames';

const root = join(__dirname, '..', '..');
const grammars = ['syntaxes/iptables-save.tmLanguage.json', 'syntaxes/iptables-listing.tmLanguage.json'];

/** Runs vscode-tmgrammar-test on the given files with both grammars; a hang counts as a failure. */
function runGrammarTest(files: string[]) {
  const bin = join(root, 'node_modules', '.bin', 'vscode-tmgrammar-test');
  const args = grammars.flatMap((g) => ['-g', g]).concat(files);
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

test('the inline grammar tests on fixture lines pass', () => {
  const files = ['test/grammar/save.iptables-save', 'test/grammar/listing.iptables-listing'];
  const r = runGrammarTest(files);
  assert.equal(r.status, 0, r.output);
  // Guards against the tool passing because it found no files.
  for (const f of files) assert.match(r.output, new RegExp(`✓ ${f.replace(/[.]/g, '\\.')}`), r.output);
});

test('a wrong scope assertion makes the grammar test fail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iptables-lens-grammar-'));
  try {
    const file = join(dir, 'wrong.iptables-save');
    writeFileSync(file, '# SYNTAX TEST "source.iptables-save" "deliberately wrong"\n-A INPUT -j ACCEPT\n#           ^^^^^^ entity.name.function.chain.iptables-save\n');
    const r = runGrammarTest([file]);
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /missing required scopes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the JSON grammars are what syntaxes/build-grammars.mjs generates', () => {
  const r = spawnSync(process.execPath, ['syntaxes/build-grammars.mjs', '--check'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the grammars know the same verdicts and target extensions as the model', () => {
  for (const file of grammars) {
    const repo = JSON.parse(readFileSync(join(root, file), 'utf8')).repository;
    const verdict = new RegExp(repo.verdict.match);
    const extension = new RegExp(repo['extension-target'].match);
    for (const name of STANDARD_TARGETS) assert.ok(verdict.test(name), `${file}: ${name} as a verdict`);
    assert.ok(verdict.test('REJECT'), `${file}: REJECT is coloured with the verdicts`);
    for (const name of TARGET_EXTENSION_NAMES) {
      if (name === 'REJECT') continue;
      assert.ok(extension.test(name), `${file}: ${name} as a target extension`);
    }
    // A user chain is whatever is not in either list.
    for (const chain of ['KUBE-SVC-7RUAH544RSSBQYKK', 'cali-PREROUTING', 'DNAT-X', 'MARKS']) {
      assert.ok(!verdict.test(chain) && !extension.test(chain), `${file}: ${chain} is a user chain`);
    }
  }
});
