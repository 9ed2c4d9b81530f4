/**
 * The packet trace in the editor: the commands (Trace Packet…, Clear Trace,
 * Re-run Trace), the "Trace a packet from here" lens on built-in chains, the
 * inline decorations of the chosen branch, and the Trace view. One trace is
 * active at a time, on one document; it re-runs (debounced) when that
 * document changes, and decorations, which VS Code moves with the edits in
 * between, are replaced by the new result.
 */
import {
  CodeLens, commands, languages, Range, Selection, TextEditorRevealType, Uri, window, workspace,
  type CodeLensProvider, type ExtensionContext, type TextDocument, type TextEditor, type TreeView,
} from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
  LANGUAGE_IDS, stepRun, TRACE_REQUEST, type TraceParams, type TraceResult,
} from '../../../server/src/protocol';
import { builtinChainLines } from './builtinChainLines';
import { largeFileStandIn } from '../largeFiles';
import { lineDecorations, type LineDecoration } from './decorationText';
import { checkPacket, pickPacket, PACKET_EXAMPLE } from './packetInput';
import { rememberPacket } from './recentPackets';
import { TraceDecorations } from './traceDecorations';
import { traceTree, type TraceNode } from './traceTree';
import { REVEAL_STEP_COMMAND, SELECT_BRANCH_COMMAND, TRACE_VIEW_ID, TraceTreeProvider } from './traceView';

export const TRACE_PACKET_COMMAND = 'iptables.tracePacket';
export const CLEAR_TRACE_COMMAND = 'iptables.clearTrace';
export const RERUN_TRACE_COMMAND = 'iptables.rerunTrace';
/** Test-only: the trace as plain data (tree, decorations, selection), so UI tests need not reach into internals. */
export const TRACE_STATE_COMMAND = 'iptables._traceState';
/** Test-only: the message the input box would show for a packet description (undefined when it parses). */
export const CHECK_PACKET_COMMAND = 'iptables._traceCheckPacket';

const RECENT_KEY = 'iptablesLens.recentPackets';
const RERUN_DELAY_MS = 300;

/** What `iptables.tracePacket` accepts: nothing (ask), a packet, or a packet and/or document and the chain a lens was on. */
export type TraceArgs = string | { packet?: string; uri?: string; chain?: string } | undefined;

/** The plain-data picture `iptables._traceState` returns. */
export interface TraceState {
  uri: string | null;
  packet: string | null;
  /** Document version the shown result was computed from. */
  version: number | null;
  branch: number;
  running: boolean;
  error: string | null;
  /** How many traces have completed since activation (tests wait for it to grow). */
  runs: number;
  /** The engine's answer as it came. */
  result: TraceResult | null;
  tree: TraceNode[];
  decorations: LineDecoration[];
  /** The step last revealed from the view, with its 0-based line (and the last line of a run of misses). */
  current: CurrentStep | null;
}

/** The step revealed from the Trace view: its 0-based first and last lines (the same but for a run of misses). */
export interface CurrentStep {
  branch: number;
  step: number;
  line: number | null;
  lastLine: number | null;
}

interface Active {
  document: TextDocument;
  uri: string;
  packet: string;
  result: TraceResult | null;
  error: string | null;
  version: number | null;
  branch: number;
  current: CurrentStep | null;
}

function isDump(document: TextDocument): boolean {
  return (LANGUAGE_IDS as readonly string[]).includes(document.languageId);
}

/** A message for a failed trace request, in the user's terms. */
function errorText(error: unknown): string {
  const e = error as { code?: number; message?: string };
  if (e?.code === -32601) return 'The language server has no packet trace yet (iptables/trace is not available).';
  return e?.message ?? String(error);
}

/** Registers everything the trace needs; disposables go to the extension context. */
export function registerTrace(context: ExtensionContext, client: BaseLanguageClient): void {
  const decorations = new TraceDecorations();
  const tree = new TraceTreeProvider();
  const view: TreeView<TraceNode> = window.createTreeView(TRACE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(decorations, tree, view);

  let active: Active | null = null;
  let running = false;
  let runs = 0;
  let ticket = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const branchLines = (): LineDecoration[] => {
    const branch = active?.result?.branches[active.branch];
    return branch ? lineDecorations(branch) : [];
  };

  const editorsOfActive = (): readonly TextEditor[] =>
    active ? window.visibleTextEditors.filter((e) => e.document.uri.toString() === active!.uri) : [];

  const paintEditors = () => {
    const lines = branchLines();
    const current = active?.current && active.current.branch === active.branch ? active.current : undefined;
    for (const editor of editorsOfActive()) decorations.apply(editor, lines, current);
  };

  const paint = () => {
    paintEditors();
    tree.set(active?.result ? traceTree(active.result, active.packet, active.branch) : []);
    view.message = active?.error ? `⚠ ${active.error}` : running ? 'Tracing…' : undefined;
    view.description = active ? active.packet : undefined;
    void commands.executeCommand('setContext', 'iptablesLens.traceActive', !!active);
  };

  const clear = () => {
    clearTimeout(timer);
    ticket++;
    running = false;
    for (const editor of editorsOfActive()) decorations.clear(editor);
    active = null;
    paint();
  };

  /** Runs the active trace against the document's current text; a newer run makes older answers moot. */
  const run = async (): Promise<void> => {
    if (!active) return;
    const mine = ++ticket;
    const target = active;
    const version = target.document.version;
    running = true;
    paint();
    const params: TraceParams = { textDocument: { uri: client.code2ProtocolConverter.asUri(target.document.uri) }, packet: target.packet };
    let result: TraceResult | null = null;
    let error: string | null = null;
    try {
      result = await client.sendRequest<TraceResult>(TRACE_REQUEST, params);
    } catch (e) {
      error = errorText(e);
    }
    if (mine !== ticket || active !== target) return;
    running = false;
    runs++;
    target.result = result;
    target.error = error;
    target.version = version;
    if (!result || target.branch >= result.branches.length) target.branch = 0;
    if (target.current && (!result || target.current.branch >= result.branches.length)) target.current = null;
    paint();
  };

  const recentOf = (uri: string): string[] => context.workspaceState.get<Record<string, string[]>>(RECENT_KEY, {})[uri] ?? [];
  const remember = async (uri: string, packet: string) => {
    const all = { ...context.workspaceState.get<Record<string, string[]>>(RECENT_KEY, {}) };
    all[uri] = rememberPacket(all[uri] ?? [], packet);
    await context.workspaceState.update(RECENT_KEY, all);
  };

  const documentFor = async (uri: string | undefined): Promise<TextDocument | undefined> => {
    if (uri) {
      const open = workspace.textDocuments.find((d) => d.uri.toString() === uri);
      // A file too large for the editor to sync is traced from the server's disk copy.
      return open ?? largeFileStandIn(uri) ?? (await workspace.openTextDocument(client.protocol2CodeConverter.asUri(uri)));
    }
    return window.activeTextEditor?.document;
  };

  const tracePacket = async (args: TraceArgs | Uri, documentUri?: Uri | string): Promise<TraceState> => {
    // The editor context menu passes the document's URI; the palette passes nothing.
    if (args instanceof Uri) return tracePacket({ uri: args.toString() });
    const given = typeof args === 'string' ? { packet: args } : args ?? {};
    const document = await documentFor(given.uri ?? (documentUri instanceof Uri ? documentUri.toString() : documentUri));
    if (!document || !isDump(document)) {
      void window.showWarningMessage('Trace Packet works on an iptables dump: open an iptables-save or iptables -L file (or set the language of a pasted one).');
      return state();
    }
    const uri = document.uri.toString();
    let packet = given.packet?.trim();
    if (!packet) {
      const template = given.chain === 'OUTPUT' || given.chain === 'POSTROUTING'
        ? 'tcp 198.51.100.1:40000 -> 192.0.2.20:443 from local'
        : PACKET_EXAMPLE;
      packet = (await pickPacket(client, client.code2ProtocolConverter.asUri(document.uri), recentOf(uri), template))?.trim();
      if (!packet) return state();
    }
    if (active && active.uri !== uri) clear();
    active = { document, uri, packet, result: null, error: null, version: null, branch: 0, current: null };
    await remember(uri, packet);
    await run();
    const shown = active as Active | null;
    if (shown?.error && !given.packet) void window.showErrorMessage(`Trace: ${shown.error}`);
    if (shown?.result) {
      const branch = tree.get(`b${shown.branch}`);
      if (branch) void Promise.resolve(view.reveal(branch, { select: false, focus: false, expand: true })).catch(() => undefined);
    }
    return state();
  };

  const selectBranch = (index: number): TraceState => {
    if (active?.result && index >= 0 && index < active.result.branches.length) {
      active.branch = index;
      paint();
    }
    return state();
  };

  const revealStep = async (branch: number, step: number): Promise<TraceState> => {
    if (!active?.result) return state();
    const s = active.result.branches[branch]?.steps[step];
    if (!s) return state();
    active.branch = branch;
    const line = s.line && s.line > 0 ? s.line - 1 : null;
    const runEnd = stepRun(s)?.lastLine;
    const lastLine = line !== null && runEnd ? runEnd - 1 : line;
    active.current = { branch, step, line, lastLine };
    if (line !== null) {
      const editor = editorsOfActive()[0] ?? (await window.showTextDocument(active.document, { preserveFocus: true, preview: false }));
      const range = new Range(line, 0, line, 0);
      editor.selection = new Selection(range.start, range.start);
      editor.revealRange(range, TextEditorRevealType.InCenterIfOutsideViewport);
    }
    paint();
    return state();
  };

  const state = (): TraceState => {
    const roots = active?.result ? traceTree(active.result, active.packet, active.branch) : [];
    return {
      uri: active?.uri ?? null,
      packet: active?.packet ?? null,
      version: active?.version ?? null,
      branch: active?.branch ?? 0,
      running,
      error: active?.error ?? null,
      runs,
      result: active?.result ?? null,
      tree: roots,
      decorations: branchLines(),
      current: active?.current ?? null,
    };
  };

  const lenses: CodeLensProvider = {
    provideCodeLenses(document: TextDocument): CodeLens[] {
      return builtinChainLines(document.getText()).map((c) => new CodeLens(new Range(c.line, 0, c.line, 0), {
        title: 'Trace a packet from here',
        tooltip: c.chain === 'OUTPUT' || c.chain === 'POSTROUTING'
          ? 'Trace a locally generated packet (it starts at OUTPUT)'
          : 'Trace a packet arriving from the network (it starts at PREROUTING)',
        command: TRACE_PACKET_COMMAND,
        arguments: [{ uri: document.uri.toString(), chain: c.chain }],
      }));
    },
  };

  context.subscriptions.push(
    commands.registerCommand(TRACE_PACKET_COMMAND, tracePacket),
    commands.registerCommand(CLEAR_TRACE_COMMAND, () => {
      clear();
      return state();
    }),
    commands.registerCommand(RERUN_TRACE_COMMAND, async () => {
      if (active) await run();
      else await commands.executeCommand(TRACE_PACKET_COMMAND);
      return state();
    }),
    commands.registerCommand(TRACE_STATE_COMMAND, state),
    commands.registerCommand(CHECK_PACKET_COMMAND, (packet: string) => checkPacket(client, packet)),
    commands.registerCommand(SELECT_BRANCH_COMMAND, selectBranch),
    commands.registerCommand(REVEAL_STEP_COMMAND, revealStep),
    languages.registerCodeLensProvider(LANGUAGE_IDS.map((language) => ({ language })), lenses),
    workspace.onDidChangeTextDocument((e) => {
      if (!active || e.document.uri.toString() !== active.uri || e.contentChanges.length === 0) return;
      clearTimeout(timer);
      timer = setTimeout(() => void run(), RERUN_DELAY_MS);
    }),
    workspace.onDidCloseTextDocument((d) => {
      if (active && d.uri.toString() === active.uri && d.isClosed) clear();
    }),
    window.onDidChangeVisibleTextEditors(() => paintEditors()),
    { dispose: () => clearTimeout(timer) },
  );

}
