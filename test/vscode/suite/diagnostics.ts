/**
 * Diagnostics as the editor holds them (`vscode.languages.getDiagnostics`)
 * and quick fixes applied through `vscode.executeCodeActionProvider`. The
 * small dumps under `diagnostics/` were each loaded into a network namespace
 * with iptables-restore 1.8.9 (nf_tables) when they were written: the kernel
 * refuses the "error" ones (naming the line given here) and accepts the rest.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { codeOf, diagnosticsOf, fixtureUri, line1, open, requireCapability, serverKnowsCode, skip, textOf, waitFor } from './helpers';

interface Expected {
  file: string;
  code: string;
  /** Acceptable 1-based lines for the diagnostic's start. */
  lines: number[];
  error: boolean;
  /** Text the range must contain, when the range is obvious. */
  covers?: string;
}

const EXPECTED: Expected[] = [
  // kernel: "Chain 'WEB-IN' does not exist" (it names the COMMIT line; the cause is line 7)
  { file: 'diagnostics/undefined-chain.iptables-save', code: 'undefined-chain', lines: [7], error: true, covers: 'WEB-IN' },
  { file: 'diagnostics/typo-target.iptables-save', code: 'undefined-chain', lines: [6], error: true, covers: 'SSH-ALOWED' },
  // kernel: "line 9: RULE_APPEND failed (Too many links): rule in chain LOOP-B"
  { file: 'diagnostics/jump-loop.iptables-save', code: 'jump-loop', lines: [8, 9], error: true },
  // kernel: "COMMIT expected at line 6"; the table that is never committed starts on line 1
  { file: 'diagnostics/missing-commit.iptables-save', code: 'missing-commit', lines: [1, 5, 6], error: true },
  // kernel accepts these two
  { file: 'diagnostics/unreachable-rule.iptables-save', code: 'unreachable-rule', lines: [8], error: false },
  { file: 'diagnostics/unreferenced-chain.iptables-save', code: 'unreferenced-chain', lines: [5], error: false, covers: 'OLD-RULES' },
];

/** Files the kernel loads: they may carry hints and warnings but never an error. */
const ACCEPTED = ['heketi-nat.iptables-save', 'rules.v4', 'kube-3ep.iptables-save', 'docker.iptables-save',
  'diagnostics/unreachable-rule.iptables-save', 'diagnostics/unreferenced-chain.iptables-save'];

/** Opens a file and waits for the server's first diagnostics for it (possibly none). */
async function diagnose(file: string, what: string, predicate: (d: vscode.Diagnostic[]) => boolean): Promise<{ doc: vscode.TextDocument; diagnostics: vscode.Diagnostic[] }> {
  const uri = fixtureUri(file);
  const waiting = diagnosticsOf(uri, what, predicate);
  const doc = await open(file);
  return { doc, diagnostics: await waiting };
}

/** The document's text as it would be after the action's edits to it. */
function preview(doc: vscode.TextDocument, action: vscode.CodeAction): string {
  const edits = (action.edit?.get(doc.uri) ?? [])
    .map((e) => ({ start: doc.offsetAt(e.range.start), end: doc.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let text = doc.getText();
  for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

/** The quick fix offered for a diagnostic whose result `wanted` accepts; fails listing what was offered. */
async function quickFix(doc: vscode.TextDocument, diagnostic: vscode.Diagnostic, wanted: (fixed: string) => boolean): Promise<vscode.CodeAction> {
  const offered = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider', doc.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
  const actions = offered.filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
  const found = actions.find((a) => a.edit && wanted(preview(doc, a)));
  assert.ok(found, `a quick fix for ${codeOf(diagnostic)} with the expected effect; offered: ${offered.map((a) => a.title).join(' | ') || 'none'}`);
  return found;
}

/** Applies a code action and waits until the diagnostic code is gone from the file. */
async function apply(doc: vscode.TextDocument, action: vscode.CodeAction, code: string): Promise<void> {
  const gone = diagnosticsOf(doc.uri, `${code} to disappear after "${action.title}"`, (ds) => !ds.some((d) => codeOf(d) === code));
  assert.ok(await vscode.workspace.applyEdit(action.edit!), 'the edit applies');
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  await gone;
}

/** Puts the file back as it is on disk, so later tests and the UI checks see the fixture. */
async function revert(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await waitFor('the document to be reverted', () => !doc.isDirty, [vscode.workspace.onDidChangeTextDocument]);
}

export function diagnosticsTests(): void {
  describe('diagnostics', () => {
    before(async function () {
      await open('heketi-nat.iptables-save');
    });

    for (const file of ACCEPTED) {
      it(`${file} (the kernel loads it) has no error`, async () => {
        const { diagnostics } = await diagnose(file, `diagnostics of ${file}`, () => true);
        const errors = diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
        assert.deepStrictEqual(errors.map((d) => `${line1(d.range)}: ${codeOf(d)} ${d.message}`), []);
      });
    }

    for (const e of EXPECTED) {
      it(`${e.file}: ${e.code} on line ${e.lines.join(' or ')}${e.error ? ' (error)' : ' (not an error)'}`, async function () {
        if (!(await serverKnowsCode(e.code))) skip(this, `diagnostic ${e.code} has not landed (issue 5): the server does not know the code`);
        const { doc, diagnostics } = await diagnose(e.file, `${e.code} in ${e.file}`, (ds) => ds.some((d) => codeOf(d) === e.code));
        const found = diagnostics.filter((d) => codeOf(d) === e.code);
        assert.ok(found.some((d) => e.lines.includes(line1(d.range))),
          `${e.code} on line ${e.lines.join('/')}; got lines ${found.map((d) => line1(d.range)).join(', ')}`);
        for (const d of found) {
          assert.strictEqual(d.severity === vscode.DiagnosticSeverity.Error, e.error, `severity of ${e.code}: ${d.severity}`);
        }
        if (e.covers) {
          const on = found.find((d) => e.lines.includes(line1(d.range)))!;
          assert.ok(textOf(doc, on.range).includes(e.covers), `range covers ${e.covers}: "${textOf(doc, on.range)}"`);
        }
        assert.ok(found.every((d) => d.source === undefined || /iptables/i.test(d.source)), 'source names iptables-lens');
      });
    }
  });

  describe('quick fixes', () => {
    before(async function () { await requireCapability(this, 'codeActionProvider', 'Quick fixes (issue 5)'); });

    // Each fix is found by its effect on the text, so its title and wording stay free.
    const cases: { file: string; code: string; title: string; after: (text: string) => boolean }[] = [
      {
        file: 'diagnostics/undefined-chain.iptables-save', code: 'undefined-chain', title: 'declare the missing chain WEB-IN',
        after: (t) => /^:WEB-IN - \[0:0\]\s*$/m.test(t) && t.indexOf(':WEB-IN') < t.indexOf('COMMIT') && t.includes('-j WEB-IN'),
      },
      {
        file: 'diagnostics/typo-target.iptables-save', code: 'undefined-chain', title: 'change SSH-ALOWED to the closest chain SSH-ALLOWED',
        after: (t) => t.includes('--dport 22 -j SSH-ALLOWED') && !t.includes('SSH-ALOWED'),
      },
      {
        file: 'diagnostics/missing-commit.iptables-save', code: 'missing-commit', title: 'add the missing COMMIT',
        after: (t) => /-A INPUT -i lo -j ACCEPT\s*\n+COMMIT\s*$/.test(t),
      },
      {
        file: 'diagnostics/unreachable-rule.iptables-save', code: 'unreachable-rule', title: 'delete the unreachable rule',
        after: (t) => !t.includes('198.51.100.0/24') && t.includes('-A WEB -j ACCEPT') && !/\n\n/.test(t),
      },
      {
        file: 'diagnostics/unreferenced-chain.iptables-save', code: 'unreferenced-chain', title: 'remove the unreferenced chain and its rules',
        after: (t) => !t.includes('OLD-RULES') && t.includes('-A INPUT -i lo -j ACCEPT') && !/\n\n/.test(t),
      },
    ];
    for (const c of cases) {
      it(`${c.file}: ${c.title}`, async function () {
        if (!(await serverKnowsCode(c.code))) skip(this, `diagnostic ${c.code} has not landed (issue 5)`);
        const { doc, diagnostics } = await diagnose(c.file, `${c.code} in ${c.file}`, (ds) => ds.some((d) => codeOf(d) === c.code));
        const diagnostic = diagnostics.find((d) => codeOf(d) === c.code)!;
        const fix = await quickFix(doc, diagnostic, c.after);
        try {
          await apply(doc, fix, c.code);
          assert.ok(c.after(doc.getText()), `after "${fix.title}":\n${doc.getText()}`);
        } finally {
          await revert(doc);
        }
      });
    }
  });
}
