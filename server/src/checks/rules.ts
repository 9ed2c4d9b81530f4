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
  private index: Int32Array | null = null;

  constructor(readonly text: string) {}

  /**
   * Offset of each line's first character, plus one entry past the end.
   * Found on first use: the first check of a listing reads no line by
   * number, and its text can be 23 MB.
   */
  get starts(): Int32Array {
    if (this.index) return this.index;
    const text = this.text;
    let count = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
    const starts = new Int32Array(count + 1);
    let n = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[n++] = at + 1;
    starts[n] = text.length + 1;
    return (this.index = starts);
  }

  get count(): number {
    return this.starts.length - 1;
  }

  /** The line's text without its newline (empty past the end). */
  line(n: number): string {
    const starts = this.starts;
    if (n < 0 || n >= starts.length - 1) return '';
    return this.text.slice(starts[n], starts[n + 1] - 1);
  }

  /** The line's length without its newline. */
  length(n: number): number {
    const starts = this.starts;
    return starts[n + 1] - 1 - starts[n];
  }

  /** The line with its newline (see TextLines.key). */
  key(n: number): string {
    const starts = this.starts;
    if (n < 0 || n >= starts.length - 1) return '';
    return this.text.slice(starts[n], Math.min(starts[n + 1], this.text.length));
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
