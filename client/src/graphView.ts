/**
 * The chain graph view: "iptables: Show Chain Graph" asks the server for the
 * chains around the cursor (`iptables/graph`) and draws them in a webview
 * (media/graph, laid out by dagre). Clicking a chain reveals its declaration;
 * double-clicking re-centres the graph on it; the depth selector asks again.
 * The webview runs under a strict content security policy with local assets
 * only.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GRAPH_REQUEST, LANGUAGE_IDS, type GraphParams, type GraphResult } from '../../server/src/protocol';
import { largeFileStandIn } from './largeFiles';

export const SHOW_CHAIN_GRAPH_COMMAND = 'iptables.showChainGraph';

const DEFAULT_DEPTH = 2;

/** Messages from the webview. */
type FromView =
  | { type: 'ready' }
  | { type: 'reveal'; line: number; chain: string }
  | { type: 'recentre'; line: number; chain: string }
  | { type: 'depth'; depth: number };

/** Messages to the webview. */
export type ToView =
  | { type: 'graph'; graph: GraphResult; title: string; depth: number }
  | { type: 'error'; message: string };

interface ViewState {
  panel: vscode.WebviewPanel;
  uri: vscode.Uri;
  position: vscode.Position;
  depth: number;
  column: vscode.ViewColumn | undefined;
  ready: boolean;
  last: ToView | null;
}

function nonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i++) out += chars[Math.floor(Math.random() * chars.length)];
  return out;
}

/** The view's page: nothing but the local script and stylesheet, under a strict CSP. */
export function graphHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'graph.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'graph', 'graph.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${n}'; style-src ${webview.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>Chain graph</title>
</head>
<body>
<header>
  <label>Depth <select id="depth">${[1, 2, 3, 4, 5, 6, 8].map((d) => `<option value="${d}">${d}</option>`).join('')}</select></label>
  <span id="summary" role="status"></span>
  <span class="hint">click: reveal · double-click: centre here · wheel: zoom · drag: pan</span>
</header>
<main id="canvas" aria-label="chain graph"></main>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
}

/** Where the chain name stands on its declaration line (`:X`, `-N X`, `-P X`, `Chain X (…)`). */
function nameRange(doc: vscode.TextDocument, line: number, chain: string): vscode.Range {
  const text = doc.lineAt(Math.min(line, doc.lineCount - 1)).text;
  const re = new RegExp(`(^|[\\s:])(${chain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?=\\s|$)`);
  const m = re.exec(text);
  const start = m ? m.index + m[1].length : 0;
  return new vscode.Range(line, start, line, m ? start + chain.length : 0);
}

export function registerGraphView(context: vscode.ExtensionContext, client: LanguageClient): void {
  let view: ViewState | undefined;

  const post = (message: ToView) => {
    if (!view) return;
    view.last = message;
    if (view.ready) void view.panel.webview.postMessage(message);
  };

  const refresh = async () => {
    if (!view) return;
    const v = view;
    const params: GraphParams = {
      textDocument: { uri: v.uri.toString() },
      position: { line: v.position.line, character: v.position.character },
      depth: v.depth,
    };
    try {
      const graph = await client.sendRequest<GraphResult>(GRAPH_REQUEST, params);
      if (view !== v) return;
      const centre = graph.nodes.find((n) => n.centre);
      const title = centre ? `${graph.table ?? centre.table} · ${centre.chain}` : graph.table ?? 'no table here';
      v.panel.title = `Chain graph: ${centre?.chain ?? graph.table ?? ''}`;
      post({ type: 'graph', graph, title, depth: v.depth });
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };

  const reveal = async (line: number, chain: string) => {
    if (!view) return;
    const doc = await vscode.workspace.openTextDocument(view.uri);
    const range = nameRange(doc, line, chain);
    await vscode.window.showTextDocument(doc, { viewColumn: view.column ?? vscode.ViewColumn.One, selection: range, preserveFocus: false });
    return range;
  };

  const open = (uri: vscode.Uri, position: vscode.Position, column: vscode.ViewColumn | undefined) => {
    if (view) {
      view.uri = uri;
      view.position = position;
      view.column = column;
      view.panel.reveal(vscode.ViewColumn.Beside, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel('iptables.chainGraph', 'Chain graph', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'media'), vscode.Uri.joinPath(context.extensionUri, 'dist')],
    });
    view = { panel, uri, position, depth: DEFAULT_DEPTH, column, ready: false, last: null };
    const mine = view;
    panel.webview.html = graphHtml(panel.webview, context.extensionUri);
    panel.onDidDispose(() => { if (view === mine) view = undefined; }, null, context.subscriptions);
    panel.webview.onDidReceiveMessage(async (m: FromView) => {
      if (view !== mine) return;
      switch (m.type) {
        case 'ready':
          mine.ready = true;
          if (mine.last) void panel.webview.postMessage(mine.last);
          break;
        case 'reveal':
          await reveal(m.line, m.chain);
          break;
        case 'recentre': {
          const range = await reveal(m.line, m.chain);
          if (range) {
            mine.position = range.start;
            await refresh();
          }
          break;
        }
        case 'depth':
          if (Number.isInteger(m.depth) && m.depth > 0 && m.depth <= 20) {
            mine.depth = m.depth;
            await refresh();
          }
          break;
      }
    }, null, context.subscriptions);
  };

  // Keep the picture true to the text: redraw shortly after the dump is edited.
  let pendingRefresh: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => {
    if (!view || e.document.uri.toString() !== view.uri.toString() || e.contentChanges.length === 0) return;
    clearTimeout(pendingRefresh);
    pendingRefresh = setTimeout(() => void refresh(), 500);
  }));

  context.subscriptions.push(vscode.commands.registerCommand(SHOW_CHAIN_GRAPH_COMMAND, async (target?: vscode.Uri | { uri: string; line?: number }) => {
    // A file too large to sync has no text editor: the graph comes from the server's disk copy.
    const given = target instanceof vscode.Uri ? target.toString() : target?.uri;
    if (given && largeFileStandIn(given)) {
      open(vscode.Uri.parse(given), new vscode.Position(target instanceof vscode.Uri ? 0 : target?.line ?? 0, 0), undefined);
      await refresh();
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || !(LANGUAGE_IDS as readonly string[]).includes(editor.document.languageId)) {
      void vscode.window.showInformationMessage('Open an iptables-save dump or an iptables -L listing to show its chain graph.');
      return;
    }
    open(editor.document.uri, editor.selection.active, editor.viewColumn);
    await refresh();
  }));
}
