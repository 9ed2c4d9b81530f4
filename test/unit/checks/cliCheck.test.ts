/**
 * `iptables-lens check`: the line format, the JSON shape (1-based positions),
 * and the exit status (1 with errors, 0 without, 2 for unreadable input).
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

const CLI = join(__dirname, '..', '..', '..', 'server', 'src', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'ipl-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'check', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BROKEN = '*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -j WBE\nCOMMIT\n';
const FINE = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j RETURN\nCOMMIT\n';

test('an error prints file:line:column and exits 1', () => {
  const p = file('broken.rules', BROKEN);
  const r = run(p);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:13: error undefined-chain .*did you mean WEB`, 'm'));
});

test('a file the kernel loads exits 0, whatever its warnings', () => {
  const r = run(file('fine.rules', FINE));
  assert.equal(r.status, 0);
  assert.match(r.stdout, /information return-in-builtin/);
});

test('JSON lists every file with 1-based ranges', () => {
  const a = file('a.rules', BROKEN);
  const b = file('b.rules', FINE);
  const r = run(a, b, '--json');
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout) as { file: string; diagnostics: { line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }[] }[];
  assert.deepEqual(out.map((f) => f.file), [a, b]);
  const d = out[0].diagnostics.find((x) => x.code === 'undefined-chain')!;
  assert.deepEqual([d.line, d.column, d.endLine, d.endColumn, d.severity], [4, 13, 4, 16, 'error']);
  assert.deepEqual(out[1].diagnostics.map((x) => x.code), ['return-in-builtin']);
});

test('an unreadable file exits 2', () => {
  const r = run(join(dir, 'missing.rules'), file('ok.rules', FINE));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot read .*missing\.rules/);
});
