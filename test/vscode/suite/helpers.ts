/**
 * Helpers for the tests that run inside a real VS Code extension host. They
 * use only the public `vscode` API, plus one probe of the installed language
 * server's capabilities so a feature that has not landed yet is reported as
 * skipped with its reason instead of failing or silently passing.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import * as fs from 'fs';
import { spawn } from 'child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Context } from 'mocha';
import type Mocha from 'mocha';

export const EXTENSION_ID = 'iptables-lens.iptables-lens';

/** Why a test or a suite was skipped, by Mocha full title; the runner reports it. */
export const skipReasons = new Map<string, string>();

/** Skips the current test or suite (from a `before` hook) and records why. */
export function skip(ctx: Context, reason: string): never {
  const runnable = ctx.test as (Mocha.Runnable & { type?: string }) | undefined;
  // In a `before` hook the whole suite is skipped: record the reason on the suite.
  const title = runnable?.type === 'hook' ? runnable.parent?.fullTitle() : runnable?.fullTitle();
  if (title !== undefined) skipReasons.set(title, reason);
  ctx.skip();
}

/** The workspace folder holding the fixtures (set up by the outer runner). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open; the runner must open the fixtures workspace');
  return folder.uri.fsPath;
}

export function fixtureUri(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), name));
}

/** The extension under test, activated; fails with a clear message when it is not installed. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this editor`);
  // activate() resolves once the extension's activate() has returned, which
  // awaits the language client's start: the server is ready after this.
  await ext.activate();
  return ext;
}

/**
 * Resolves when `predicate` returns a value other than undefined/false,
 * re-checking whenever one of `events` fires. Rejects after `timeoutMs` with
 * `what` in the message: a deadline for a broken run, not a timing assertion.
 */
export function waitFor<T>(
  what: string,
  predicate: () => T | undefined | false | Promise<T | undefined | false>,
  events: vscode.Event<unknown>[],
  timeoutMs = 20000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    let done = false;
    let last: unknown;
    const finish = (err: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscriptions.forEach((s) => s.dispose());
      if (err) reject(err); else resolve(value as T);
    };
    const check = async () => {
      if (done) return;
      try {
        const value = await predicate();
        if (value !== undefined && value !== false) finish(undefined, value);
      } catch (e) {
        last = e;
      }
    };
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)), timeoutMs);
    for (const event of events) subscriptions.push(event(() => void check()));
    void check();
  });
}

/** Opens a fixture and shows it in an editor, as a user would. */
export async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/**
 * The position inside the `occurrence`-th `needle` on 1-based `line` (one
 * character in, so it is clearly within the word). Fails if the text is not
 * there, which keeps hand-written expectations honest against the fixture.
 */
export function at(doc: vscode.TextDocument, line: number, needle: string, occurrence = 1): vscode.Position {
  const text = doc.lineAt(line - 1).text;
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`line ${line} of ${path.basename(doc.uri.fsPath)} has no ${needle} (#${occurrence}): ${text}`);
  }
  return new vscode.Position(line - 1, index + 1);
}

/** The text a range covers, for asserting ranges by what they cover. */
export function textOf(doc: vscode.TextDocument, range: vscode.Range): string {
  return doc.getText(range);
}

/** The 1-based line of a range's start. */
export function line1(range: vscode.Range): number {
  return range.start.line + 1;
}

/** A Location or LocationLink, as a uri and a target range. */
export function target(loc: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; range: vscode.Range } {
  return 'targetUri' in loc
    ? { uri: loc.targetUri, range: loc.targetSelectionRange ?? loc.targetRange }
    : { uri: loc.uri, range: loc.range };
}

/** Hover contents flattened to plain text. */
export function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

let capabilitiesPromise: Promise<Record<string, unknown>> | undefined;

/**
 * The capabilities the installed language server announces. The client does
 * not expose them, so this starts a second copy of the same bundled server,
 * sends `initialize`, and shuts it down: it answers exactly what the editor's
 * client was told.
 */
export function serverCapabilities(): Promise<Record<string, unknown>> {
  capabilitiesPromise ??= (async () => {
    const ext = await activeExtension();
    const server = path.join(ext.extensionPath, 'dist', 'server.js');
    const child = spawn(process.execPath, [server, '--stdio'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    try {
      const result = await connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
        processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null,
      });
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
      return result.capabilities;
    } finally {
      connection.dispose();
      child.kill();
    }
  })();
  return capabilitiesPromise;
}

/** Skips the suite (call from `before`) unless the server announces `capability`. */
export async function requireCapability(ctx: Context, capability: string, feature: string): Promise<void> {
  const caps = await serverCapabilities();
  if (!caps[capability]) skip(ctx, `${feature} has not landed: the server does not announce ${capability}`);
}

/** Whether the installed server knows a diagnostic code (its bundle contains the code's string). */
export async function serverKnowsCode(code: string): Promise<boolean> {
  const ext = await activeExtension();
  const bundle = fs.readFileSync(path.join(ext.extensionPath, 'dist', 'server.js'), 'utf8');
  return bundle.includes(`"${code}"`) || bundle.includes(`'${code}'`) || bundle.includes(`\`${code}\``);
}

/** The commands the extension under test contributes, by id. */
export async function contributedCommands(): Promise<{ command: string; title: string }[]> {
  const ext = await activeExtension();
  const manifest = ext.packageJSON as { contributes?: { commands?: { command: string; title: string }[] } };
  return manifest.contributes?.commands ?? [];
}

/** URIs whose diagnostics the editor has been told at least once (even an empty list). */
const published = new Set<string>();
let tracking: vscode.Disposable | undefined;

/**
 * Starts recording which documents have received diagnostics. Called before
 * any test opens a document, so "no error" can wait for the server's answer
 * instead of passing on a list that simply has not arrived yet.
 */
export function trackDiagnostics(): vscode.Disposable {
  tracking ??= vscode.languages.onDidChangeDiagnostics((e) => e.uris.forEach((u) => published.add(u.toString())));
  return tracking;
}

/**
 * Waits until the server has published diagnostics for `uri` and they satisfy
 * `predicate`, re-checking on every diagnostics-changed event.
 */
export function diagnosticsOf(
  uri: vscode.Uri,
  what: string,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  trackDiagnostics();
  return waitFor(what, () => {
    if (!published.has(uri.toString())) return undefined;
    const diagnostics = vscode.languages.getDiagnostics(uri);
    return predicate(diagnostics) ? diagnostics : undefined;
  }, [vscode.languages.onDidChangeDiagnostics]);
}

/** A diagnostic's code as a string (codes may come as `{ value, target }`). */
export function codeOf(d: vscode.Diagnostic): string {
  const code = d.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code ?? '');
}
