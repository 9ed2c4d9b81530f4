/**
 * Very large dumps in the real editor. Generated kube-proxy dumps are written
 * into the workspace: 10k Services (16 MB) and 33k Services (just above
 * VS Code's 50 MB sync limit). The tests record what the editor hands to
 * extensions for each, and that the 50 MB one still gets diagnostics and a
 * packet trace through the server's own disk copy. Measured times are put in
 * the test titles, which the runner prints.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { before, describe, it, type Context } from 'mocha';
import { activeExtension, waitFor, workspaceDir } from './helpers';
import type { TraceState } from '../../../client/src/trace/registerTrace';
import { generateKubeProxy } from '../../support/kubeProxy';

const SYNC_LIMIT = 50 * 1024 * 1024;

/** Adds measured facts to the running test's title (the runner prints titles). */
function note(ctx: Context, fact: string): void {
  if (ctx.test) ctx.test.title += ` [${fact}]`;
}

/** Progress lines in the workspace (kept with `--keep`), to see where a broken run stopped. */
function progress(message: string): void {
  try { fs.appendFileSync(path.join(workspaceDir(), 'large', 'progress.log'), `${new Date().toISOString()} ${message}\n`); } catch { /* only a trace */ }
}

/** Closes the tabs showing `uri` (not every editor: earlier suites leave unsaved ones that would prompt). */
async function closeTabs(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  await vscode.window.tabGroups.close(tabs);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Resolves once the server has published diagnostics for `uri` (possibly an empty list). */
function published(uri: vscode.Uri, timeoutMs: number): Promise<vscode.Diagnostic[]> {
  let seen = false;
  const sub = vscode.languages.onDidChangeDiagnostics((e) => { if (e.uris.some((u) => u.toString() === uri.toString())) seen = true; });
  return waitFor(`diagnostics for ${path.basename(uri.fsPath)}`, () => (seen ? vscode.languages.getDiagnostics(uri) : undefined),
    [vscode.languages.onDidChangeDiagnostics], timeoutMs).finally(() => sub.dispose());
}

export function largeFileTests(): void {
  describe('very large dumps', function () {
    this.timeout(5 * 60 * 1000);
    let dir = '';
    let packet = '';

    before(async () => {
      await activeExtension();
      dir = path.join(workspaceDir(), 'large');
      fs.mkdirSync(dir, { recursive: true });
      progress('generating');
      const small = generateKubeProxy({ services: 10000, endpointsPerService: 3 });
      fs.writeFileSync(path.join(dir, 'kube-10k.iptables-save'), small.save);
      const big = generateKubeProxy({ services: 33000, endpointsPerService: 3 });
      fs.writeFileSync(path.join(dir, 'kube-33k.iptables-save'), big.save);
      const s = big.services[0];
      packet = `tcp 10.1.2.3:40000 -> ${s.clusterIP}:${s.servicePort} in eth0`;
      // The web workbench asks before showing files above 10 MB; tests open them as a user who said yes.
      progress('generated');
      await vscode.workspace.getConfiguration('workbench').update('editorLargeFileConfirmation', 1024, vscode.ConfigurationTarget.Global).then(undefined, () => undefined);
    });

    it('a 16 MB dump is synced to extensions and gets diagnostics', async function () {
      const uri = vscode.Uri.file(path.join(dir, 'kube-10k.iptables-save'));
      const size = fs.statSync(uri.fsPath).size;
      const started = Date.now();
      const diagnostics = published(uri, 120000);
      progress('16 MB: openTextDocument');
      const doc = await vscode.workspace.openTextDocument(uri);
      progress('16 MB: showTextDocument');
      await vscode.window.showTextDocument(doc, { preview: false });
      assert.equal(doc.languageId, 'iptables-save');
      assert.equal(Buffer.byteLength(doc.getText()), size, 'the extension host holds the whole text');
      progress('16 MB: waiting for diagnostics');
      const found = await diagnostics;
      note(this, `${mb(size)} synced: openTextDocument gives ${doc.lineCount} lines; diagnostics (${found.length}) after ${Date.now() - started} ms`);
      await closeTabs(uri);
    });

    it('a dump above 50 MB is not synced, yet gets diagnostics and a trace from the disk copy', async function () {
      const uri = vscode.Uri.file(path.join(dir, 'kube-33k.iptables-save'));
      const size = fs.statSync(uri.fsPath).size;
      assert.ok(size > SYNC_LIMIT, `the generated dump is ${size} bytes, above the limit`);
      progress('50 MB: openTextDocument');
      const refused = await Promise.race([
        vscode.workspace.openTextDocument(uri).then(() => undefined, (e: Error) => e.message),
        new Promise<string>((resolve) => setTimeout(() => resolve('(no answer after 60 s)'), 60000)),
      ]);
      progress(`50 MB: openTextDocument: ${refused}`);
      assert.ok(refused, 'openTextDocument refuses a file above 50 MB');

      const started = Date.now();
      const diagnostics = published(uri, 4 * 60 * 1000);
      progress('50 MB: vscode.open');
      await vscode.commands.executeCommand('vscode.open', uri);
      progress('50 MB: opened');
      const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
      assert.ok(tab, 'the editor shows the file in a tab');
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'no TextDocument reaches the extension');
      const found = await diagnostics;
      const diagnosticsMs = Date.now() - started;
      progress(`50 MB: diagnostics after ${diagnosticsMs} ms`);

      const traced = Date.now();
      const state = await vscode.commands.executeCommand<TraceState>('iptables.tracePacket', { packet, uri: uri.toString() });
      const traceMs = Date.now() - traced;
      progress(`50 MB: trace ${traceMs} ms`);
      assert.equal(state.error, null);
      const steps = state.result?.branches.flatMap((b) => b.steps) ?? [];
      assert.ok(steps.some((s) => s.chain.startsWith('KUBE-SVC-')), `the trace reaches the Service chain: ${JSON.stringify(state.result?.branches[0]?.steps.slice(0, 3))}`);
      assert.ok(steps.some((s) => s.action.startsWith('DNAT')), 'and is DNATed to an endpoint');
      note(this, `${mb(size)}: openTextDocument says "${refused}"; diagnostics (${found.length}) after ${diagnosticsMs} ms; trace ${traceMs} ms`);
      await vscode.commands.executeCommand('iptables.clearTrace');
      await closeTabs(uri);
      // Closing the tab tells the server to forget the file, which clears its diagnostics.
      await waitFor('the closed file\'s diagnostics to clear', () => vscode.languages.getDiagnostics(uri).length === 0, [vscode.languages.onDidChangeDiagnostics]);
    });
  });
}
