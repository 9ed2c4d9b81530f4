import type { Analysis } from '../model/analysis';
import type { Problem, Table } from '../model/types';
import { lineSpan } from '../model/span';

export const AMBIGUOUS_TABLE = 'ambiguous-table';

/** A listing that does not say which table it shows; its built-in chains fit more than one, and filter is assumed. */
export function ambiguousTable(table: Table): Problem {
  return {
    span: table.nameSpan ?? lineSpan(table.span.line, table.span.start, table.span.start), severity: 'information', code: AMBIGUOUS_TABLE,
    message: `Which table this is cannot be told from the text; ${table.name} is assumed. Paste the command line (\`iptables -t nat -nvL\`) to say.`,
  };
}

export function checkAmbiguousTable(analysis: Analysis): Problem[] {
  return analysis.ruleset.tables.filter((t) => t.tableSource === 'default').map(ambiguousTable);
}
