import { CodeActionKind, type CodeAction, type Range, type TextEdit } from 'vscode-languageserver';
import { runChecks, type CheckSettings } from '../checks';
import { tableAtLine } from '../checks/kernelOrder';
import type { Analysis } from '../model/analysis';
import type { Problem, Table } from '../model/types';
import { toDiagnostic, toRange } from './convert';

/** Whether two ranges touch (a cursor at either end of a diagnostic counts). */
function touches(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']) => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function deleteLines(first: number, last: number): TextEdit {
  return { range: { start: { line: first, character: 0 }, end: { line: last + 1, character: 0 } }, newText: '' };
}

/** Where a new `:CHAIN` line goes: after the table's last chain line that comes before `beforeLine`, or right after `*table`. */
function declarationLine(table: Table, beforeLine: number): number {
  let line = table.nameSpan ? table.nameSpan.line + 1 : table.span.line;
  for (const c of table.chains) {
    if (c.declSpan && c.declSpan.line < beforeLine && c.declSpan.line + 1 > line) line = c.declSpan.line + 1;
  }
  return line;
}

function fix(title: string, problem: Problem, uri: string, edits: TextEdit[], preferred = false): CodeAction {
  return {
    title, kind: CodeActionKind.QuickFix, diagnostics: [toDiagnostic(problem)], isPreferred: preferred,
    edit: { changes: { [uri]: edits } },
  };
}

/** The quick fixes one problem offers (none for most codes). */
function fixesFor(analysis: Analysis, uri: string, p: Problem): CodeAction[] {
  const { ruleset, text } = analysis;
  const lines = text.split('\n');
  const out: CodeAction[] = [];
  switch (p.code) {
    case 'undefined-chain': case 'undeclared-chain': {
      const chain = p.data?.chain as string | undefined;
      const table = tableAtLine(ruleset, p.span.line);
      if (!chain || !table) break;
      const suggestion = p.data?.suggestion as string | undefined;
      if (suggestion && p.code === 'undefined-chain') {
        out.push(fix(`Change to ${suggestion}`, p, uri, [{ range: toRange(p.span), newText: suggestion }], true));
      }
      // A chain that is declared later but used here is moved up, not declared twice.
      const late = table.chainsByName.get(chain);
      if (late?.declSpan && late.declSpan.line > p.span.line) {
        const at = declarationLine(table, p.span.line);
        out.push(fix(`Move the declaration of ${chain} up`, p, uri, [
          { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: lines[late.declSpan.line].replace(/\r$/, '') + '\n' },
          deleteLines(late.declSpan.line, late.declSpan.line),
        ], !suggestion));
        break;
      }
      const at = declarationLine(table, p.span.line);
      out.push(fix(`Declare chain ${chain} in table ${table.name}`, p, uri, [
        { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: `:${chain} - [0:0]\n` },
      ], !suggestion));
      break;
    }
    case 'unreferenced-chain': {
      const table = tableAtLine(ruleset, p.span.line);
      const chain = table?.chainsByName.get(p.data?.chain as string);
      if (!table || !chain || ruleset.format !== 'save') break;
      const doomed = new Set<number>([...(chain.declSpan ? [chain.declSpan.line] : []), ...chain.rules.map((r) => r.span.line)]);
      const edits = [...doomed].sort((a, b) => a - b).map((l) => deleteLines(l, l));
      out.push(fix(`Remove chain ${chain.name} and its ${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}`, p, uri, edits));
      break;
    }
    case 'missing-commit': {
      const at = p.data?.insertLine as number | undefined;
      if (at === undefined) break;
      const edit: TextEdit = at < lines.length
        ? { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: 'COMMIT\n' }
        : lines[lines.length - 1] === ''
          ? { range: { start: { line: lines.length - 1, character: 0 }, end: { line: lines.length - 1, character: 0 } }, newText: 'COMMIT\n' }
          : { range: { start: { line: lines.length - 1, character: lines[lines.length - 1].length }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } }, newText: '\nCOMMIT\n' };
      out.push(fix(`Add the missing COMMIT of table ${p.data?.table as string}`, p, uri, [edit], true));
      break;
    }
    case 'unreachable-rule': case 'shadowed-rule': {
      if (ruleset.format !== 'save') break;
      out.push(fix('Delete this rule (no packet reaches it)', p, uri, [deleteLines(p.span.line, p.span.endLine)]));
      break;
    }
  }
  return out;
}

/**
 * Quick fixes for the problems under a range: declare a missing chain, take
 * the closest chain name, remove an unused chain, add a missing COMMIT, delete
 * a rule no packet reaches. Every edit leaves a file iptables-restore loads.
 */
export function codeActions(analysis: Analysis, uri: string, range: Range, settings?: CheckSettings): CodeAction[] {
  const out: CodeAction[] = [];
  for (const p of runChecks(analysis, settings)) {
    if (touches(toRange(p.span), range)) out.push(...fixesFor(analysis, uri, p));
  }
  return out;
}
