/**
 * The server's documents: the text of every open dump (synced ones and large
 * files read from disk), one parse per version, and what the wire has already
 * announced, so a request that a newer edit has overtaken is refused instead
 * of parsing a version nobody will look at again.
 *
 * Why not `vscode-languageserver-textdocument`: on a 16 MB dump its
 * incremental update takes about 50 ms (it rebuilds a flat string and its
 * line offsets each time), so 10,000 keystrokes would take minutes. Here a
 * document keeps its lines in an array and joins them only when a parse needs
 * the whole text, which is at most once per version.
 */
import { readFile } from 'fs/promises';
import { fileURLToPath } from 'url';
import {
  LSPErrorCodes, ResponseError,
  type TextDocumentContentChangeEvent, type TextDocumentsConfiguration,
} from 'vscode-languageserver/node';
import { CheckMemo, runChecksInSlices } from './checks';
import { Analysis, type TextLines } from './model/analysis';
import type { Rule } from './model/types';

/** A document as the server keeps it: lines with their line breaks, joined lazily. */
export class LineDocument {
  private text: string | undefined;
  /**
   * Lines whose text changed, with the line count unchanged, since the last
   * `takeEditedLines`; null once an edit added or removed lines (or replaced
   * everything), so only a full parse will do.
   */
  private edited: Set<number> | null = new Set();
  /** Whether a line ended in a lone \r when the last analysis read the text (undefined until an edit needs to know). */
  private loneCR: boolean | undefined;

  /** Every line keeps its own line break; only the last may have none. Split from the text on the first edit. */
  private split: string[] | null;
  /** How many of the split lines end in a lone \r (a line ends in \r only when that is its break), kept as edits replace lines. */
  private crEnded = 0;

  /** The version it was opened at: a later one has been edited. */
  readonly openedVersion: number;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    public version: number,
    text: string,
  ) {
    this.text = text;
    this.split = null;
    this.openedVersion = version;
  }

  static of(uri: string, languageId: string, version: number, text: string): LineDocument {
    return new LineDocument(uri, languageId, version, text);
  }

  private get lines(): string[] {
    if (!this.split) this.lines = splitLines(this.text!);
    return this.split!;
  }

  private set lines(lines: string[]) {
    this.split = lines;
    this.crEnded = countCREnded(lines, 0, lines.length);
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /**
   * The current lines as checks read them, without joining them. Lines split
   * at a lone \r are not the parsers' lines: only for a document without one
   * (as after `takeEditedLines` gave edited lines).
   */
  textLines(): TextLines {
    return new DocumentLines(this.lines);
  }

  /** The whole text; built once per version. */
  getText(): string {
    this.text ??= this.lines.join('');
    return this.text;
  }

  /** Applies LSP content changes in order (incremental ranges or whole-text replacements). */
  apply(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    this.noteLoneCR();
    for (const change of changes) {
      if (!('range' in change)) {
        this.lines = splitLines(change.text);
        this.edited = null;
        continue;
      }
      const { start, end } = change.range;
      const last = this.lines.length - 1;
      let startLine = Math.min(Math.max(start.line, 0), last);
      const endLine = Math.min(Math.max(end.line, startLine), last);
      const head = this.lines[startLine];
      const tail = this.lines[endLine];
      let before = head.slice(0, Math.min(start.character, contentLength(head)));
      const after = tail.slice(Math.min(end.line > last ? contentLength(tail) : end.character, contentLength(tail)));
      // A `\r` ending the line above and a `\n` starting the new text make one line break.
      if (startLine > 0 && before === '' && (change.text || after).startsWith('\n') && this.lines[startLine - 1].endsWith('\r')) {
        startLine--;
        before = this.lines[startLine];
      }
      const replaced = splitLines(before + change.text + after);
      // A line that ends up without a break merges with the next one, as in a flat text.
      const merges = endLine < last && !/[\r\n]$/.test(replaced[replaced.length - 1]);
      if (merges) replaced[replaced.length - 1] += this.lines[endLine + 1];
      const removed = endLine - startLine + (merges ? 2 : 1);
      if (this.edited) {
        // As many lines as before: they were edited in place.
        if (replaced.length === removed) {
          for (let k = 0; k < removed; k++) if (replaced[k] !== this.lines[startLine + k]) this.edited.add(startLine + k);
        }
        else this.edited = null;
      }
      this.crEnded += countCREnded(replaced, 0, replaced.length) - countCREnded(this.lines, startLine, startLine + removed);
      this.lines.splice(startLine, removed, ...replaced);
    }
    this.text = undefined;
    this.version = version;
  }

  /**
   * Splits the text into lines ahead of the first edit (the server calls it
   * when idle after publishing diagnostics), so the first keystroke in a
   * large dump does not pay for it. Returns whether it split them now.
   */
  prepareForEdits(): boolean {
    if (this.split) return false;
    this.noteLoneCR();
    void this.lines;
    return true;
  }

  /** Whether its lines split at `\n` only, as the parsers split them (no lone CR); undefined until known. */
  get splitAtNewlines(): boolean | undefined {
    return this.loneCR === undefined ? undefined : !this.loneCR;
  }

  /** Before the first edit: whether the text as the last analysis saw it (nothing has changed it since) has a lone CR. */
  private noteLoneCR(): void {
    if (this.loneCR === undefined && this.text !== undefined) this.loneCR = hasLoneCR(this.text);
  }

  /** The lines edited in place since the last call (see `edited`), each without its line break, and starts afresh. */
  takeEditedLines(): Map<number, string> | null {
    const edited = this.edited;
    this.edited = new Set();
    // Parsers split at \n only: after a line ending in a lone \r, now or at the last call, their line numbers are not these.
    if (edited && edited.size === 0) return new Map();
    const was = this.loneCR;
    this.loneCR = this.split ? this.crEnded > 0 : hasLoneCR(this.text ?? '');
    if (!edited) return null;
    if (was !== false || this.loneCR) return null;
    const out = new Map<number, string>();
    for (const ln of edited) {
      const line = this.lines[ln];
      if (line === undefined) return null;
      out.set(ln, line.endsWith('\n') ? line.slice(0, -1) : line);
    }
    return out;
  }
}


/** A document's lines (each with its break) read as TextLines: the view follows the document as it changes. */
class DocumentLines implements TextLines {
  constructor(private readonly lines: readonly string[]) {}

  get count(): number {
    return this.lines.length;
  }

  line(n: number): string {
    const line = this.lines[n];
    if (line === undefined) return '';
    return line.endsWith('\n') ? line.slice(0, -1) : line;
  }

  length(n: number): number {
    const line = this.lines[n];
    if (line === undefined) return 0;
    return line.endsWith('\n') ? line.length - 1 : line.length;
  }

  key(n: number): string {
    return this.lines[n] ?? '';
  }
}

/** How many of lines[from, to) end in \r. */
function countCREnded(lines: readonly string[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (lines[i].charCodeAt(lines[i].length - 1) === 13) n++;
  return n;
}

/** The length of a line without its line break. */
function contentLength(line: string): number {
  return line.endsWith('\r\n') ? line.length - 2 : /[\r\n]$/.test(line) ? line.length - 1 : line.length;
}

/**
 * Whether the text has a carriage return not followed by a line feed (a line
 * break of its own). Found with indexOf: the equivalent regular expression
 * took 55 ms on a 17 MB dump without any CR.
 */
function hasLoneCR(text: string): boolean {
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) return true;
  return false;
}

/**
 * Splits text into lines that keep their breaks (`\n`, `\r\n`, `\r`). The
 * last line has no break and may be empty, so there are as many lines as LSP
 * positions count.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let from = 0;
  if (!hasLoneCR(text)) {
    // Breaks are \n or \r\n: let indexOf find them.
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      lines.push(text.slice(from, nl + 1));
      from = nl + 1;
    }
    lines.push(text.slice(from));
    return lines;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      lines.push(text.slice(from, i + 1));
      from = i + 1;
    }
  }
  lines.push(text.slice(from));
  return lines;
}

/** What `TextDocuments` needs to keep LineDocuments. */
export const lineDocuments: TextDocumentsConfiguration<LineDocument> = {
  create: (uri, languageId, version, content) => LineDocument.of(uri, languageId, version, content),
  update: (doc, changes, version) => {
    doc.apply(changes, version);
    return doc;
  },
};

/**
 * The newest version of each document that has arrived on the wire, noted
 * when a message is read, before the connection queues it. A request handled
 * while a newer didChange waits in the queue is stale.
 */
const announced = new Map<string, number>();

/** Notes the document versions a message announces (didOpen, didChange, didClose). */
export function noteIncoming(message: unknown): void {
  const m = message as { method?: string; params?: { textDocument?: { uri?: string; version?: number } } };
  const doc = m.params?.textDocument;
  if (!doc?.uri) return;
  if (m.method === 'textDocument/didClose') announced.delete(doc.uri);
  else if ((m.method === 'textDocument/didChange' || m.method === 'textDocument/didOpen') && typeof doc.version === 'number') {
    announced.set(doc.uri, doc.version);
  }
}

/** Whether a newer version of the document has arrived than `version`. */
export function overtaken(uri: string, version: number): boolean {
  const newest = announced.get(uri);
  return newest !== undefined && newest > version;
}

/** The error for a request whose document has moved on since it was asked. */
export function contentModified(uri: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.ContentModified, `${uri} changed before the answer was ready`);
}

/** Files the editor shows but does not sync to extensions (too large), read from disk. */
const largeFiles = new Map<string, LineDocument>();
/** Bumped on every open/close, so a read that finishes after its file closed is dropped. */
const largeGeneration = new Map<string, number>();

/**
 * Reads a `file:` document from disk and keeps it as version 0. Resolves with
 * the document, or undefined when the file was closed (or reopened) while it
 * was being read.
 */
export async function openLargeFile(uri: string, languageId: string | undefined): Promise<LineDocument | undefined> {
  const generation = (largeGeneration.get(uri) ?? 0) + 1;
  largeGeneration.set(uri, generation);
  const text = await readFile(fileURLToPath(uri), 'utf8');
  if (largeGeneration.get(uri) !== generation) return undefined;
  const doc = LineDocument.of(uri, languageId ?? '', 0, text);
  largeFiles.set(uri, doc);
  cache.delete(uri);
  memos.delete(uri);
  return doc;
}

/** Forgets a large file. Returns whether it was known. */
export function closeLargeFile(uri: string): boolean {
  largeGeneration.set(uri, (largeGeneration.get(uri) ?? 0) + 1);
  cache.delete(uri);
  memos.delete(uri);
  return largeFiles.delete(uri);
}

/** The URIs of the large files currently read from disk. */
export function largeFileUris(): string[] {
  return [...largeFiles.keys()];
}

export function largeFile(uri: string): LineDocument | undefined {
  return largeFiles.get(uri);
}

/** Parsed documents by URI, valid for the version they were parsed at. */
const cache = new Map<string, { doc: LineDocument; version: number; analysis: Analysis }>();

/**
 * The analysis of a document's current version, parsed at most once per
 * version; synced documents win over a disk copy of the same URI. Throws the
 * ContentModified error when a newer version is already on its way, so no
 * time goes into parsing a version that is about to be replaced.
 */
export function analysisOf(doc: LineDocument | undefined): Analysis | undefined {
  if (!doc) return undefined;
  if (overtaken(doc.uri, doc.version)) throw contentModified(doc.uri);
  const hit = cache.get(doc.uri);
  if (hit && hit.doc === doc && hit.version === doc.version) return hit.analysis;
  const edited = doc.takeEditedLines();
  let analysis: Analysis | undefined;
  // Lines edited in place: re-read just those rules when the model keeps its shape.
  const replaced: [Rule, Rule][] = [];
  if (hit && hit.doc === doc && edited && edited.size <= MAX_PATCHED_LINES && hit.analysis.ruleset.patchLines?.(edited, replaced)) {
    analysis = Analysis.patched(hit.analysis, replaced, () => doc.getText(), doc.textLines());
  }
  analysis ??= Analysis.of(doc.getText(), doc.languageId || undefined);
  cache.set(doc.uri, { doc, version: doc.version, analysis });
  return analysis;
}

/**
 * Gets a document ready for its first edit while the server is idle (after
 * its diagnostics went out): splits it into lines, lets the model build what
 * patching needs (an empty patch changes nothing), and checks the unchanged
 * model once more as a patched version is checked (from the document's lines;
 * a document whose edits are parsed afresh, from a fresh parse), this time
 * keeping every rule's result in the document's check memo. The
 * first diagnostics are published without a memo (see keptCheckMemo): filling
 * it costs about a fifth of the first check of a 10k-Service dump, which the
 * user would otherwise wait for. The first keystroke then finds every other
 * rule in the memo and runs code V8 has already compiled for those paths.
 */
export function prepareForEdits(doc: LineDocument): void {
  const steps = prepareForEditsInSlices(doc, Infinity);
  while (!steps.next().done);
}

/**
 * prepareForEdits a slice at a time, as the server runs it when idle (see
 * whenIdle.ts): it pauses after splitting the lines, after patching, and
 * after every `sliceRules` rules checked, so requests are answered in
 * between, and it stops when the document has changed meanwhile: the walk
 * reads each rule's key off the document's lines as they are now, so a
 * line changed in a pause would be kept under its new text with the result
 * of the rule it replaced. An edit checked in a pause takes the memo over
 * (see CheckMemo.turn).
 */
export function* prepareForEditsInSlices(doc: LineDocument, sliceRules: number): Generator<void, void> {
  const version = doc.version;
  // The version last analysed, still open (forget drops the cache), with no newer version on its way.
  const current = () => {
    const hit = cache.get(doc.uri);
    return hit?.doc === doc && hit.version === version && doc.version === version && !overtaken(doc.uri, version);
  };
  if (current()) yield* whileCurrent(fillSteps(doc, sliceRules), current);
}

/** The steps of prepareForEditsInSlices, for a version that was current when they began and at each pause since. */
function* fillSteps(doc: LineDocument, sliceRules: number): Generator<void, unknown> {
  // Once per document: before its first edit, or after it when an edit came before the memo was filled.
  if (!doc.prepareForEdits() && memos.has(doc.uri)) return;
  yield;
  const hit = cache.get(doc.uri)!;
  const memo = checkMemoOf(doc.uri);
  const replaced: [Rule, Rule][] = [];
  if (doc.splitAtNewlines && hit.analysis.ruleset.patchLines?.(new Map(), replaced)) {
    yield;
    yield* runChecksInSlices(Analysis.patched(hit.analysis, replaced, () => doc.getText(), doc.textLines()), memo, sliceRules);
  } else if (memo.size === 0) {
    // Its edits will be parsed afresh (no header to fix the family, a lone CR): key the memo as such a parse does.
    const fresh = Analysis.of(doc.getText(), doc.languageId || undefined);
    yield;
    yield* runChecksInSlices(fresh, memo, sliceRules);
  }
}

/**
 * Runs `steps` and pauses where they pause, as `yield*` would; ends them
 * (unfinished, keeping nothing) at the first pause after which `current()`
 * is false, or when it is ended itself.
 */
function* whileCurrent(steps: Generator<void, unknown>, current: () => boolean): Generator<void, void> {
  try {
    while (!steps.next().done) {
      yield;
      if (!current()) return;
    }
  } finally {
    // Lets their own cleanup run; nothing once they are done.
    steps.return(undefined);
  }
}

/** Beyond this many edited lines a full parse is about as quick and far simpler. */
const MAX_PATCHED_LINES = 256;

/** Check results per document, carried from one version to the next (see checks/memo.ts). */
const memos = new Map<string, CheckMemo>();

/**
 * The check memo of a document once it has one: after prepareForEdits
 * filled it. Undefined before, so that the first check of a document does
 * not pay for keeping results nothing has asked for yet.
 */
export function keptCheckMemo(uri: string): CheckMemo | undefined {
  return memos.get(uri);
}

/**
 * The memo to check a version of a document with: the kept one, or for an
 * edited save dump a new one (a large file read from disk is never edited).
 * An edit can come before the server was idle long enough to fill the memo
 * (typing at once after opening): its check fills it then, at some cost
 * (the first edit of a 10k-Service save dump: 609-661 ms to its diagnostics
 * instead of 456-525), so the next keystroke reads only the rules it changed
 * instead of every rule again. A listing's rows are read for little more
 * than whether they end their chain, about what keeping their results
 * costs: its edits wait for the idle fill.
 */
export function checkMemoFor(doc: LineDocument, analysis: Analysis): CheckMemo | undefined {
  const kept = memos.get(doc.uri);
  if (kept || doc.version === doc.openedVersion || analysis.ruleset.format !== 'save') return kept;
  return checkMemoOf(doc.uri);
}

/** The check memo of a document, made on first use. */
export function checkMemoOf(uri: string): CheckMemo {
  let memo = memos.get(uri);
  if (!memo) memos.set(uri, (memo = new CheckMemo()));
  return memo;
}

/** Drops the parse and the check memo of a closed document. */
export function forget(uri: string): void {
  cache.delete(uri);
  memos.delete(uri);
}
