import type { Problem, Ruleset, Table } from '../model/types';
import type { KernelPhase } from './types';

/** Parse-level codes that iptables-restore only notices once the table's COMMIT is read. */
const COMMIT_PHASE = new Set(['undeclared-chain', 'bad-rule-number', 'undefined-chain', 'invalid-policy']);

/** When iptables-restore (nf_tables) notices a problem; see KernelPhase. */
export function phaseOf(problem: Problem): KernelPhase {
  const phase = problem.data?.phase;
  if (phase === 'parse' || phase === 'commit' || phase === 'kernel' || phase === 'validate') return phase;
  return COMMIT_PHASE.has(problem.code) ? 'commit' : 'parse';
}

const PHASE_RANK: Record<KernelPhase, number> = { parse: 0, commit: 1, kernel: 2, validate: 3 };

/** The `*table` … COMMIT block a line belongs to (save format). */
export function tableAtLine(ruleset: Ruleset, line: number): Table | undefined {
  let found: Table | undefined;
  for (const t of ruleset.tables) if (t.span.line <= line && line <= t.span.endLine) found = t;
  return found;
}

/**
 * The line iptables-restore would name for this problem (0-based): its own
 * line, except a jump to a missing chain, which it reports at the table's
 * COMMIT.
 */
export function reportedLine(problem: Problem, ruleset: Ruleset): number {
  if ((problem.code === 'undefined-chain' || problem.code === 'unknown-target') && phaseOf(problem) === 'commit') {
    const t = tableAtLine(ruleset, problem.span.line);
    if (t?.commitSpan) return t.commitSpan.line;
  }
  return problem.span.line;
}

/**
 * Sort key for the order in which iptables-restore runs into problems: lines
 * are read in order and each table is sent to the kernel at its COMMIT, where
 * the batch is built (commit), the kernel takes every rule (kernel) and then
 * walks the chain graph (validate).
 */
function orderKey(problem: Problem, ruleset: Ruleset): number[] {
  const phase = phaseOf(problem);
  if (phase === 'parse') return [problem.span.line, 0, problem.span.line, 0];
  const table = tableAtLine(ruleset, problem.span.line);
  const commit = table?.commitSpan?.line ?? Infinity;
  // On one line, a jump to a missing chain is noticed before the rule's own chain is looked up.
  return [commit, PHASE_RANK[phase], problem.span.line, problem.code === 'undefined-chain' || problem.code === 'unknown-target' ? 0 : 1];
}

function before(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** The error iptables-restore would report first, if the file has any. */
export function firstError(problems: readonly Problem[], ruleset: Ruleset): Problem | undefined {
  return firstReported(problems.filter((p) => p.severity === 'error'), ruleset);
}

/** Of these problems, the one iptables-restore would run into first. */
export function firstReported(problems: readonly Problem[], ruleset: Ruleset): Problem | undefined {
  let best: Problem | undefined;
  let bestKey: number[] | undefined;
  for (const p of problems) {
    const k = orderKey(p, ruleset);
    if (!bestKey || before(k, bestKey)) {
      best = p;
      bestKey = k;
    }
  }
  return best;
}
