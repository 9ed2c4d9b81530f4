import type { Analysis, TextLines } from '../model/analysis';
import { ListingRule } from '../model/listingRule';
import type { Chain, Problem, Rule, Ruleset, Table } from '../model/types';
import { resolveOptions } from './extensions';
import type { RuleCheck, RuleScope } from './types';

/**
 * Where each line of a text starts, found with one scan: the checks read a
 * rule's own line (as the memo's key, for bad-argument, for over-long words)
 * without splitting a 16 MB document into 300k strings.
 */
export class LineIndex implements TextLines {
  /** Offset of each line's first character, plus one entry past the end. */
  readonly starts: Int32Array;

  constructor(readonly text: string) {
    const starts: number[] = [0];
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    starts.push(text.length + 1);
    this.starts = Int32Array.from(starts);
  }

  get count(): number {
    return this.starts.length - 1;
  }

  /** The line's text without its newline (empty past the end). */
  line(n: number): string {
    if (n < 0 || n >= this.starts.length - 1) return '';
    return this.text.slice(this.starts[n], this.starts[n + 1] - 1);
  }

  /** The line's length without its newline. */
  length(n: number): number {
    return this.starts[n + 1] - 1 - this.starts[n];
  }

  /** The line with its newline (see TextLines.key). */
  key(n: number): string {
    if (n < 0 || n >= this.starts.length - 1) return '';
    return this.text.slice(this.starts[n], Math.min(this.starts[n + 1], this.text.length));
  }
}

/**
 * Whether the dump says which table this is (`*nat`, or a pasted `-t nat`
 * command); an `iptables -S` dump whose table was only guessed from its
 * chains is not judged by table.
 */
export function tableKnown(table: Table): boolean {
  return table.nameSpan !== null || table.tableSource === 'command';
}

export { ruleLine } from '../model/span';

/** The columns a listing row was read with (LAYOUT_… bits, see listingRule.ts); -1 for a rule read from save syntax. */
export function ruleLayout(rule: Rule): number {
  return rule instanceof ListingRule ? rule.layout : -1;
}

/** The scope a rule-local check sees for the rules of one chain. */
export function scopeOf(ruleset: Ruleset, table: Table, chain: Chain, lines: TextLines, lineText: (n: number) => string = (n) => lines.line(n)): RuleScope {
  return {
    format: ruleset.format, family: ruleset.family, table: table.name, tableKnown: tableKnown(table),
    chain: chain.name, builtin: chain.builtin, lineText,
  };
}

/**
 * Runs one rule check over a whole document on its own (for tests and
 * per-check timing); runChecks runs them all in one walk instead.
 */
export function runRuleCheck(analysis: Analysis, check: RuleCheck): Problem[] {
  const out: Problem[] = [];
  if (analysis.ruleset.format !== 'save') return out;
  const lines = new LineIndex(analysis.text);
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      const scope = scopeOf(analysis.ruleset, table, chain, lines);
      for (const rule of chain.rules) check(rule, resolveOptions(rule, scope.family), scope, out);
    }
  }
  return out;
}
