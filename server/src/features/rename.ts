/**
 * Rename a user-defined chain: its declaration, every `-A`/`-I` line of it and
 * every jump and goto to it, in save files and listings (header and target
 * column). Built-in chains and target names are refused, and the new name is
 * checked the way iptables checks it.
 */
import { ResponseError, ErrorCodes, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import { isTargetName } from '../model/targetNames';
import type { Table } from '../model/types';
import { chainAt, occurrencesOf, targetAt, type ChainRef } from './chainOccurrences';
import { toRange } from './convert';

/** The longest chain name iptables accepts (XT_EXTENSION_MAXNAMELEN - 1). */
export const MAX_CHAIN_NAME = 28;

/**
 * Why iptables would refuse a name for a new chain in a table, or null when
 * it would accept it. Mirrors `iptables -N` on both backends (checked in
 * test/kernel/rename.test.ts): at most 28 characters, no whitespace, no
 * leading `-` or `!`, no target name, no chain the table already has. One
 * deliberate addition: quotes, which `iptables -N` takes but which make the
 * saved dump unreadable to iptables-restore. (`iptables -E` checks less, but
 * a name `-N` refuses shadows a target or cannot be created again.)
 */
export function chainNameProblem(name: string, table: Table, oldName?: string): string | null {
  if (name.length === 0) return 'A chain name cannot be empty.';
  if (name.length > MAX_CHAIN_NAME) return `"${name}" is ${name.length} characters long; iptables allows at most ${MAX_CHAIN_NAME}.`;
  if (/\s/.test(name)) return 'A chain name cannot contain whitespace.';
  if (/["']/.test(name)) return 'A chain name cannot contain quotes: iptables-restore would read them as quoting.';
  if (name[0] === '-' || name[0] === '!') return `A chain name cannot start with "${name[0]}": iptables would read it as an option or a negation.`;
  if (isTargetName(name)) return `"${name}" is the name of a target; iptables refuses chain names that clash with target names.`;
  if (name !== oldName && table.chainsByName.has(name)) return `Table ${table.name} already has a chain named ${name}.`;
  return null;
}

function fail(message: string): never {
  throw new ResponseError(ErrorCodes.InvalidRequest, message);
}

/** The renameable chain at a position, or a ResponseError saying why there is none. */
function renameable(analysis: Analysis, line: number, character: number): ChainRef {
  const ref = chainAt(analysis, line, character);
  if (!ref) {
    const target = targetAt(analysis, line, character);
    if (target) fail(`${target.name} is a target, not a chain: only user-defined chains can be renamed.`);
    fail('Put the cursor on a chain name to rename the chain.');
  }
  if (!ref.chain) fail(`Table ${ref.table.name} has no chain ${ref.name} to rename.`);
  if (ref.chain.builtin) fail(`${ref.name} is a built-in chain of table ${ref.table.name}; built-in chains cannot be renamed.`);
  return ref;
}

/** prepareRename: the exact range of the chain name under the cursor, or a ResponseError. */
export function prepareRename(analysis: Analysis, line: number, character: number): { range: Range; placeholder: string } {
  const ref = renameable(analysis, line, character);
  return { range: toRange(ref.span), placeholder: ref.name };
}

/** The edits renaming the chain under the cursor to `newName`, or a ResponseError. */
export function renameChain(analysis: Analysis, uri: string, line: number, character: number, newName: string): WorkspaceEdit {
  const ref = renameable(analysis, line, character);
  const problem = chainNameProblem(newName, ref.table, ref.name);
  if (problem) fail(problem);
  if (newName === ref.name) return { changes: { [uri]: [] } };
  const edits: TextEdit[] = occurrencesOf(analysis, ref.table, ref.name).map((occ) => ({ range: toRange(occ.span), newText: newName }));
  return { changes: { [uri]: edits } };
}
