import {
  CodeActionKind, DidChangeConfigurationNotification, ErrorCodes, ResponseError, TextDocuments, TextDocumentSyncKind,
  type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import type { CheckSettings } from './checks';
import {
  analysisOf as parsedOf, checkMemoFor, closeLargeFile, forget, largeFile, largeFileUris, lineDocuments, openLargeFile, overtaken, prepareForEditsInSlices,
} from './documents';
import { incomingCalls, outgoingCalls, prepareCallHierarchy } from './features/callHierarchy';
import { codeActions } from './features/codeActions';
import { codeLenses, resolveCodeLens } from './features/codeLens';
import { completion } from './features/completion';
import { findDefinition } from './features/definition';
import { diagnostics, settingsFrom } from './features/diagnostics';
import { documentSymbols } from './features/documentSymbols';
import { foldingRanges } from './features/folding';
import { graphAt } from './features/graph';
import { hover } from './features/hover';
import { packetSuggestions } from './features/packetSuggestions';
import { documentHighlights, findReferences } from './features/references';
import { prepareRename, renameChain } from './features/rename';
import { folderPaths, newWorkspaceCache, workspaceSymbols } from './features/workspaceSymbols';
import {
  CLOSE_LARGE_FILE_NOTIFICATION, GRAPH_REQUEST, OPEN_LARGE_FILE_NOTIFICATION, PACKET_SUGGESTIONS_REQUEST, PARSE_PACKET_REQUEST, TRACE_REQUEST,
  type GraphParams, type GraphResult, type LargeFileParams, type PacketSuggestion, type PacketSuggestionsParams,
  type ParsePacketParams, type ParsePacketResult, type TraceParams, type TraceResult,
} from './protocol';
import { answer, answerAsync, guardProcess, registerTestHooks, serverConnection } from './requests';
import { cancelIdle, whenIdle } from './whenIdle';
import { parsePacket, trace } from './trace';

const connection = serverConnection();
guardProcess(connection);
registerTestHooks(connection);
const documents = new TextDocuments(lineDocuments);

/** The current version's analysis of a synced document or a large file read from disk (see documents.ts). */
function analysisOf(uri: string) {
  return parsedOf(documents.get(uri) ?? largeFile(uri));
}

const pending = new Map<string, ReturnType<typeof setTimeout>>();

/** Rules the idle memo fill checks between two looks at the clock (see whenIdle.ts): a few milliseconds' worth. */
const IDLE_SLICE_RULES = 250;

/** `iptablesLens.diagnostics` as last read from the client: codes turned off, severities changed. */
let checkSettings: CheckSettings = {};

/** Reads the diagnostics settings (when the client can be asked) and publishes every open document again. */
async function refreshSettings(): Promise<void> {
  if (clientInit?.capabilities.workspace?.configuration) {
    try {
      checkSettings = settingsFrom(await connection.workspace.getConfiguration('iptablesLens.diagnostics'));
    } catch (e) {
      connection.console.error(`reading iptablesLens.diagnostics failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const uri of new Set([...documents.keys(), ...largeFileUris()])) scheduleDiagnostics(uri, 0);
}

function scheduleDiagnostics(uri: string, delay: number): void {
  clearTimeout(pending.get(uri));
  pending.set(uri, setTimeout(() => {
    pending.delete(uri);
    const synced = documents.get(uri);
    const doc = synced ?? largeFile(uri);
    if (!doc) return;
    // More edits are queued: publish for the last of them, not for this one.
    if (overtaken(uri, doc.version)) return scheduleDiagnostics(uri, delay);
    const found = answer('diagnostics', null, () => {
      const analysis = analysisOf(uri);
      return analysis ? diagnostics(analysis, checkSettings, checkMemoFor(doc, analysis)) : null;
    });
    if (found) void connection.sendDiagnostics({ uri, version: synced?.version, diagnostics: found });
    // Once idle: get the document ready to be edited (it gives up if an edit or a close came in the meantime).
    if (synced) whenIdle(uri, () => prepareForEditsInSlices(synced, IDLE_SLICE_RULES));
  }, delay));
}

/** What the client said about itself at initialize (workspace folders, link support). */
let clientInit: InitializeParams | undefined;

connection.onInitialize((params): InitializeResult => (clientInit = params, {
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: { prepareProvider: true },
    documentSymbolProvider: { label: 'iptables' },
    workspaceSymbolProvider: true,
    callHierarchyProvider: true,
    foldingRangeProvider: true,
    codeLensProvider: { resolveProvider: true },
    hoverProvider: true,
    completionProvider: { triggerCharacters: ['-', ' ', ',', '*'] },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  },
  serverInfo: { name: 'iptables-lens' },
}));

connection.onInitialized(() => {
  if (clientInit?.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'iptablesLens' });
  }
  void refreshSettings();
});
connection.onDidChangeConfiguration((change) => {
  // Clients without workspace/configuration push the settings with the notification.
  const pushed = (change.settings as { iptablesLens?: { diagnostics?: unknown } } | undefined)?.iptablesLens?.diagnostics;
  if (!clientInit?.capabilities.workspace?.configuration && pushed !== undefined) checkSettings = settingsFrom(pushed);
  void refreshSettings();
});
connection.onCodeAction(({ textDocument, range }) => answer('codeAction', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? codeActions(analysis, textDocument.uri, range, checkSettings) : [];
}));

/**
 * Documents whose open was just scheduled: TextDocuments announces an open
 * with onDidOpen and then onDidChangeContent, and the second must not push
 * the first diagnostics back by the edit delay.
 */
const justOpened = new Set<string>();
documents.onDidOpen((e) => {
  justOpened.add(e.document.uri);
  scheduleDiagnostics(e.document.uri, 0);
});
/**
 * How long diagnostics wait after an edit, so a burst of keystrokes is
 * checked once. Short, because an edit inside rule lines costs a patch and
 * the rules it touched (documents.ts, checks/memo.ts), not a full parse.
 */
const EDIT_SETTLE_MS = 100;

documents.onDidChangeContent((e) => {
  if (justOpened.delete(e.document.uri)) return;
  scheduleDiagnostics(e.document.uri, EDIT_SETTLE_MS);
});
documents.onDidClose((e) => {
  clearTimeout(pending.get(e.document.uri));
  pending.delete(e.document.uri);
  cancelIdle(e.document.uri);
  forget(e.document.uri);
  // A large file the editor still shows keeps its disk copy's diagnostics.
  if (largeFile(e.document.uri)) scheduleDiagnostics(e.document.uri, 0);
  else void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});
connection.onNotification(OPEN_LARGE_FILE_NOTIFICATION, (params: LargeFileParams) => {
  openLargeFile(params.uri, params.languageId).then(
    (doc) => doc && scheduleDiagnostics(params.uri, 0),
    (e) => connection.console.error(`reading ${params.uri} failed: ${e instanceof Error ? e.message : String(e)}`),
  );
});
connection.onNotification(CLOSE_LARGE_FILE_NOTIFICATION, (params: LargeFileParams) => {
  if (closeLargeFile(params.uri) && !documents.get(params.uri)) void connection.sendDiagnostics({ uri: params.uri, diagnostics: [] });
});

connection.onRequest(PACKET_SUGGESTIONS_REQUEST, (params: PacketSuggestionsParams, token): PacketSuggestion[] => answer('packetSuggestions', [], () => {
  const analysis = analysisOf(params.textDocument.uri);
  return analysis ? packetSuggestions(analysis.ruleset) : [];
}, token));

connection.onDefinition(({ textDocument, position }) => answer('definition', [], () => {
  const analysis = analysisOf(textDocument.uri);
  if (!analysis) return [];
  const links = findDefinition(analysis, textDocument.uri, position.line, position.character);
  if (clientInit?.capabilities.textDocument?.definition?.linkSupport) return links;
  return links.map((l) => ({ uri: l.targetUri, range: l.targetSelectionRange }));
}));
connection.onReferences(({ textDocument, position, context }) => answer('references', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? findReferences(analysis, textDocument.uri, position.line, position.character, context.includeDeclaration) : [];
}));
connection.onDocumentHighlight(({ textDocument, position }) => answer('documentHighlight', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? documentHighlights(analysis, position.line, position.character) : [];
}));
connection.onPrepareRename(({ textDocument, position }) => answer('prepareRename', null, () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? prepareRename(analysis, position.line, position.character) : null;
}));
connection.onRenameRequest(({ textDocument, position, newName }) => answer('rename', null, () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? renameChain(analysis, textDocument.uri, position.line, position.character, newName) : null;
}));
connection.onHover(({ textDocument, position }) => answer('hover', null, () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? hover(analysis, position.line, position.character) : null;
}));
connection.onCompletion(({ textDocument, position }) => answer('completion', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? completion(analysis, position.line, position.character) : [];
}));
connection.onDocumentSymbol(({ textDocument }) => answer('documentSymbol', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? documentSymbols(analysis) : [];
}));
const workspaceCache = newWorkspaceCache();
connection.onWorkspaceSymbol(({ query }, token) => answerAsync('workspaceSymbol', [], () => {
  const open = documents.all().flatMap((d) => {
    const analysis = analysisOf(d.uri);
    return analysis ? [{ uri: d.uri, analysis }] : [];
  });
  return workspaceSymbols(query, open, folderPaths(clientInit?.workspaceFolders, clientInit?.rootUri), workspaceCache);
}, token));
connection.languages.callHierarchy.onPrepare(({ textDocument, position }) => answer('callHierarchy', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? prepareCallHierarchy(analysis, textDocument.uri, position.line, position.character) : [];
}));
connection.languages.callHierarchy.onIncomingCalls(({ item }) => answer('incomingCalls', [], () => {
  const analysis = analysisOf(item.uri);
  return analysis ? incomingCalls(analysis, item) : [];
}));
connection.languages.callHierarchy.onOutgoingCalls(({ item }) => answer('outgoingCalls', [], () => {
  const analysis = analysisOf(item.uri);
  return analysis ? outgoingCalls(analysis, item) : [];
}));
connection.onFoldingRanges(({ textDocument }) => answer('foldingRange', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? foldingRanges(analysis) : [];
}));
connection.onCodeLens(({ textDocument }) => answer('codeLens', [], () => {
  const analysis = analysisOf(textDocument.uri);
  return analysis ? codeLenses(analysis, textDocument.uri) : [];
}));
connection.onCodeLensResolve((lens) => answer('codeLensResolve', lens, () => {
  const uri = (lens.data as { uri?: string } | undefined)?.uri;
  const analysis = uri ? analysisOf(uri) : undefined;
  return analysis ? resolveCodeLens(analysis, lens) : lens;
}));
connection.onRequest(GRAPH_REQUEST, (params: GraphParams): GraphResult => answer('graph', { nodes: [], edges: [], omitted: 0 }, () => {
  const analysis = analysisOf(params.textDocument.uri);
  if (!analysis) return { nodes: [], edges: [], omitted: 0 };
  return graphAt(analysis, params.position.line, params.position.character, params.depth, params.maxNodes);
}));

connection.onRequest(TRACE_REQUEST, (params: TraceParams): TraceResult => answer('trace', { packet: {}, branches: [] }, () => {
  const analysis = analysisOf(params.textDocument.uri);
  if (!analysis) return { packet: {}, branches: [] };
  const outcome = trace(analysis, params.packet);
  if (outcome.error) {
    const { message, start, end } = outcome.error;
    throw new ResponseError(ErrorCodes.InvalidParams, message, { start, end });
  }
  return outcome.result;
}));
connection.onRequest(PARSE_PACKET_REQUEST, (params: ParsePacketParams): ParsePacketResult => answer('parsePacket', {}, () => {
  const parsed = parsePacket(params.packet);
  return parsed.error ? { error: parsed.error } : {};
}));

documents.listen(connection);
connection.listen();
