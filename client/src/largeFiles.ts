/**
 * Dumps too large for VS Code to hand to extensions. The editor keeps
 * documents above 50 MB from the extension host ("Files above 50MB cannot be
 * synchronized with extensions"), so the language client never sees them.
 * This watches the editor tabs instead: a `file:` tab whose name or first
 * line makes it one of our languages, with no synced document and a size
 * above the limit, is announced to the server, which reads the file itself.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { CLOSE_LARGE_FILE_NOTIFICATION, OPEN_LARGE_FILE_NOTIFICATION, type LargeFileParams } from '../../server/src/protocol';

/** VS Code's limit for syncing a document to extensions (bytes). */
export const SYNC_LIMIT = 50 * 1024 * 1024;

interface LanguageContribution {
  id: string;
  extensions?: string[];
  filenames?: string[];
  filenamePatterns?: string[];
  firstLine?: string;
}

/** Large files announced to the server, by URI string, with their language. */
const announced = new Map<string, string>();

/**
 * A stand-in for a large file's document, for commands (the trace) that take
 * a document: it carries the URI and language; its text lives in the server.
 */
export function largeFileStandIn(uri: string): vscode.TextDocument | undefined {
  const languageId = announced.get(uri);
  if (!languageId) return undefined;
  return { uri: vscode.Uri.parse(uri), languageId, version: 0, isClosed: false, lineCount: 0, getText: () => '' } as unknown as vscode.TextDocument;
}

/** The language a file's path or first line gives it, from the manifest's own patterns. */
function languageOf(languages: LanguageContribution[], uri: vscode.Uri, firstLine: () => Promise<string>): Promise<string | undefined> {
  const path = uri.path;
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (const l of languages) {
    if (l.extensions?.some((e) => name.toLowerCase().endsWith(e.toLowerCase()))) return Promise.resolve(l.id);
    if (l.filenames?.includes(name)) return Promise.resolve(l.id);
    if (l.filenamePatterns?.some((p) => path.endsWith(p.replace(/^\*\*/, '')))) return Promise.resolve(l.id);
  }
  return firstLine().then((line) => languages.find((l) => l.firstLine && new RegExp(l.firstLine).test(line))?.id);
}

/** The first line of a file, read from its first 4 KB. */
async function readFirstLine(uri: vscode.Uri): Promise<string> {
  const fs = await import('fs/promises');
  const handle = await fs.open(uri.fsPath, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0];
  } finally {
    await handle.close();
  }
}

/** Watches the tabs and keeps the server told which large dumps the editor shows. */
export function registerLargeFiles(context: vscode.ExtensionContext, client: BaseLanguageClient): void {
  const languages = ((context.extension.packageJSON as { contributes?: { languages?: LanguageContribution[] } }).contributes?.languages ?? []);
  let ticket = 0;

  const refresh = async (): Promise<void> => {
    const mine = ++ticket;
    const synced = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    const shown = new Map<string, vscode.Uri>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputText && tab.input.uri.scheme === 'file' && !synced.has(tab.input.uri.toString())) {
          shown.set(tab.input.uri.toString(), tab.input.uri);
        }
      }
    }
    const found = new Map<string, string>();
    for (const [key, uri] of shown) {
      if (announced.has(key)) { found.set(key, announced.get(key)!); continue; }
      try {
        if ((await vscode.workspace.fs.stat(uri)).size <= SYNC_LIMIT) continue;
        const languageId = await languageOf(languages, uri, () => readFirstLine(uri));
        if (languageId) found.set(key, languageId);
      } catch {
        // Gone or unreadable: nothing to announce.
      }
    }
    if (mine !== ticket) return;
    for (const [key, languageId] of found) {
      if (announced.has(key)) continue;
      announced.set(key, languageId);
      const params: LargeFileParams = { uri: key, languageId };
      void client.sendNotification(OPEN_LARGE_FILE_NOTIFICATION, params);
    }
    for (const key of [...announced.keys()]) {
      if (found.has(key)) continue;
      announced.delete(key);
      const params: LargeFileParams = { uri: key };
      void client.sendNotification(CLOSE_LARGE_FILE_NOTIFICATION, params);
    }
  };

  context.subscriptions.push(
    vscode.window.tabGroups.onDidChangeTabs(() => void refresh()),
    vscode.workspace.onDidOpenTextDocument(() => void refresh()),
    vscode.workspace.onDidCloseTextDocument(() => void refresh()),
  );
  void refresh();
}
