import type { Analysis } from '../model/analysis';
import type { Family, Format, Problem, Rule, Severity } from '../model/types';
import type { ResolvedOption } from './extensions';

/**
 * One diagnostic rule: reads a parsed document and returns what it finds.
 * Checks never throw and never look at the editor.
 */
export type Check = (analysis: Analysis) => Problem[];

/** What a user may change about diagnostics (`iptablesLens.diagnostics.*`). */
export interface CheckSettings {
  /** Codes to leave out entirely. */
  disable?: string[];
  /** A different severity per code, or `off` to leave the code out. */
  severity?: Record<string, Severity | 'off'>;
}

/**
 * When iptables-restore (nf_tables backend) notices a problem, which decides
 * which one it names first:
 * - `parse`: while reading the line, before anything reaches the kernel;
 * - `commit`: when the table's COMMIT line is read and the batch is built
 *   (jumps to missing chains, rules in undeclared chains);
 * - `kernel`: when the kernel first sees the rule (wrong table, a hook a
 *   built-in chain does not have, objects that do not exist);
 * - `validate`: when the kernel walks the chain graph from the built-in chains
 *   (loops, depth, targets reached from the wrong hook through user chains).
 */
export type KernelPhase = 'parse' | 'commit' | 'kernel' | 'validate';

/**
 * Everything a rule-local check may know besides the rule's own line: the
 * memo keys a rule's findings by its line text, this scope and its target's
 * kind (see memo.ts), so a check that needs more is not rule-local.
 */
export interface RuleScope {
  format: Format;
  family: Family;
  /** The table's name, and whether the dump says it (see tableKnown). */
  table: string;
  tableKnown: boolean;
  chain: string;
  /** Whether the rule's chain is a built-in chain of its table. */
  builtin: boolean;
  /** The text of a line of the document (checks ask only for the rule's own line). */
  lineText(line: number): string;
}

/**
 * A check that reads one rule at a time: its matches, target and options
 * (resolved once per rule and shared by every such check), and the scope.
 * It appends what it finds to `out`; every problem lies on the rule's line.
 * It finds nothing on a rule exactly when it finds nothing on any rule of
 * the same shape (see shape.ts): it must not tell two addresses of a family
 * apart (other than the unspecified one), read a comment's words, or ask
 * which user chain a jump goes to. The walk checks one rule per shape.
 */
export type RuleCheck = (rule: Rule, options: readonly ResolvedOption[], scope: RuleScope, out: Problem[]) => void;
