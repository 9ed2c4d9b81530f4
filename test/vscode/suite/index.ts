/**
 * Runs the real-editor Mocha suite inside the extension host and writes the
 * results where the outer runner reads them. Two entry points share it:
 * `run()` for @vscode/test-electron (`--extensionTestsPath`), and the
 * companion test extension, which calls `runSuite` on activation under
 * code-server.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import Mocha from 'mocha';
import { skipReasons, trackDiagnostics } from './helpers';
import { languageTests } from './language';
import { diagnosticsTests } from './diagnostics';
import { moreNavigationTests, navigationTests } from './navigation';
import { hoverTests } from './hover';
import { completionTests } from './completion';
import { traceTests } from './trace';
import { largeFileTests } from './largeFile';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped, or the failure message. */
  reason?: string;
  durationMs?: number;
}

export interface SuiteResults {
  vscodeVersion: string;
  passed: number;
  failed: number;
  skipped: number;
  tests: TestOutcome[];
}

/** The reason recorded for a skipped test, or for the nearest suite that was skipped. */
function reasonFor(test: Mocha.Runnable): string {
  for (let r: Mocha.Runnable | Mocha.Suite | undefined = test; r; r = r.parent) {
    const reason = skipReasons.get(r.fullTitle());
    if (reason) return reason;
  }
  return 'skipped without a recorded reason';
}

/** Writes JSON and plain-text results next to each other, atomically. */
function writeResults(outFile: string, results: SuiteResults): void {
  const lines = results.tests.map((t) => `${t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip'} ${t.title}${t.reason ? `\n       ${t.reason.split('\n').join('\n       ')}` : ''}`);
  lines.push(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile.replace(/\.json$/, '') + '.txt', lines.join('\n') + '\n');
  fs.writeFileSync(outFile + '.tmp', JSON.stringify(results, null, 2));
  fs.renameSync(outFile + '.tmp', outFile);
}

/** Runs every suite once and returns (and, with `outFile`, writes) the outcome of each test. */
export async function runSuite(outFile?: string): Promise<SuiteResults> {
  trackDiagnostics();
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  // Registers describe/it/before on the `mocha` module's exports, which the
  // test files import; then the files declare their suites.
  mocha.suite.emit('pre-require', globalThis, 'iptables-lens-vscode-suite', mocha);
  languageTests();
  diagnosticsTests();
  navigationTests();
  moreNavigationTests();
  hoverTests();
  completionTests();
  traceTests();
  largeFileTests();

  const tests: TestOutcome[] = [];
  // Progress after every test, so a run that never finishes still tells what
  // passed and which test it was in (the outer runner reads this on its deadline).
  const progress = (running?: string) => {
    if (!outFile) return;
    try {
      fs.mkdirSync(path.dirname(outFile), { recursive: true });
      fs.writeFileSync(`${outFile}.partial`, JSON.stringify({ running: running ?? null, tests }));
    } catch { /* progress is best effort */ }
  };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('test', (t) => progress(t.fullTitle()));
    runner.on('hook', (h) => progress(h.fullTitle()));
    runner.on('pass', (t) => { tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }); progress(); });
    runner.on('fail', (t, err: Error) => {
      // A failing hook is reported once, against the suite's title.
      tests.push({ title: t.fullTitle(), state: 'failed', reason: err?.stack ?? String(err) });
      progress();
    });
    runner.on('pending', (t) => { tests.push({ title: t.fullTitle(), state: 'skipped', reason: reasonFor(t) }); progress(); });
  });
  const results: SuiteResults = {
    vscodeVersion: vscode.version,
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    skipped: tests.filter((t) => t.state === 'skipped').length,
    tests,
  };
  if (outFile) writeResults(outFile, results);
  return results;
}

/** Entry point for @vscode/test-electron: fails the run when a test fails. */
export async function run(): Promise<void> {
  const out = process.env.IPTABLES_LENS_TEST_OUT;
  const results = await runSuite(out);
  for (const t of results.tests) console.log(`${t.state.padEnd(7)} ${t.title}${t.reason && t.state === 'skipped' ? ` (${t.reason})` : ''}`);
  console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  if (results.failed > 0) throw new Error(`${results.failed} test(s) failed in the extension host`);
}
