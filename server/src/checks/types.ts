import type { Analysis } from '../model/analysis';
import type { Problem, Severity } from '../model/types';

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
