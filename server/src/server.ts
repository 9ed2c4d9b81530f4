import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis } from './model/analysis';
import { toDiagnostic } from './features/convert';
import { packetSuggestions } from './features/packetSuggestions';
import { PACKET_SUGGESTIONS_REQUEST, type PacketSuggestion, type PacketSuggestionsParams } from './protocol';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

/** Parsed documents by URI, valid for the version they were parsed at. */
const cache = new Map<string, { version: number; analysis: Analysis }>();

/** The analysis of a document's current version, parsed at most once per version. */
function analysisOf(uri: string): Analysis | undefined {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  const hit = cache.get(uri);
  if (hit && hit.version === doc.version) return hit.analysis;
  const analysis = Analysis.of(doc.getText(), doc.languageId);
  cache.set(uri, { version: doc.version, analysis });
  return analysis;
}

const pending = new Map<string, ReturnType<typeof setTimeout>>();

function scheduleDiagnostics(uri: string, delay: number): void {
  clearTimeout(pending.get(uri));
  pending.set(uri, setTimeout(() => {
    pending.delete(uri);
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const analysis = analysisOf(uri);
    if (!analysis || documents.get(uri)?.version !== version) return;
    void connection.sendDiagnostics({ uri, version, diagnostics: analysis.ruleset.problems.map(toDiagnostic) });
  }, delay));
}

connection.onInitialize((): InitializeResult => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
  },
  serverInfo: { name: 'iptables-lens' },
}));

documents.onDidOpen((e) => scheduleDiagnostics(e.document.uri, 0));
documents.onDidChangeContent((e) => scheduleDiagnostics(e.document.uri, 200));
documents.onDidClose((e) => {
  clearTimeout(pending.get(e.document.uri));
  pending.delete(e.document.uri);
  cache.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onRequest(PACKET_SUGGESTIONS_REQUEST, (params: PacketSuggestionsParams): PacketSuggestion[] => {
  const analysis = analysisOf(params.textDocument.uri);
  return analysis ? packetSuggestions(analysis.ruleset) : [];
});

documents.listen(connection);
connection.listen();
