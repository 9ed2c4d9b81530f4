import type { Analysis } from '../model/analysis';
import { edgesWhere } from './graphEdges';
import type { Chain, Problem, Rule, Table } from '../model/types';
import { closestName } from './closest';
import { declLine } from '../model/saveRule';

export const UNDEFINED_CHAIN = 'undefined-chain';

/** Names a misspelled jump might have meant besides the table's own chains. */
const VERDICTS = ['ACCEPT', 'DROP', 'RETURN', 'REJECT'];

/**
 * A `-j`/`-g` to a name that is neither a chain of the table (declared before
 * the rule) nor a target. iptables-restore notices it when it reads the
 * table's COMMIT line and names that line ("Chain 'X' does not exist").
 */
export function undefinedChain(rule: Rule, table: Table, why: 'missing' | 'late' | 'undeclared', suggestion: string | undefined, elsewhere: string[] = []): Problem {
  const name = rule.target!.name;
  const reason =
    why === 'late' ? `chain ${name} is declared only after this rule; iptables-restore needs the \`:${name}\` line first`
      : why === 'undeclared' ? `chain ${name} is never declared with a \`:${name} - [0:0]\` line`
        : `there is no chain ${name} in table ${table.name}${elsewhere.length ? ` (only in ${elsewhere.join(', ')}: a rule can only jump within its own table)` : ''}`;
  return {
    span: rule.target!.nameSpan, severity: 'error', code: UNDEFINED_CHAIN,
    message: `${rule.target!.goto ? 'Goto' : 'Jump'} to an undefined chain: ${reason}${suggestion ? ` (did you mean ${suggestion}?)` : ''}. iptables-restore refuses the table at its COMMIT.`,
    data: { chain: name, table: table.name, suggestion, phase: 'commit' },
  };
}

/** Every jump or goto to a chain the kernel would not find when it loads the table (save format only). */
export function checkUndefinedChain(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    // `iptables -S` output (no `*table` line) is a view, often of one chain: see truncated-listing.
    if (!table.nameSpan) continue;
    const graph = analysis.graphOf(table);
    let names: string[] | null = null;
    for (const rule of graph.dangling) {
      names ??= table.chains.filter((c) => !c.builtin).map((c) => c.name).concat(VERDICTS);
      const name = rule.target!.name;
      const elsewhere = [...new Set(analysis.ruleset.tables.filter((t) => t.name !== table.name && t.chainsByName.has(name)).map((t) => t.name))];
      out.push(undefinedChain(rule, table, 'missing', closestName(name, names), elsewhere));
    }
    // By line number: a span for each of 40k chains would be made only to be compared.
    const misplaced = (to: Chain, line: number) => {
      const declared = declLine(to);
      return !to.builtin && (declared < 0 || declared > line);
    };
    edgesWhere(graph, checkUndefinedChain, misplaced, (rule, to) => {
      out.push(undefinedChain(rule, table, declLine(to) < 0 ? 'undeclared' : 'late', undefined));
    });
  }
  return out;
}
