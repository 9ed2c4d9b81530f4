/**
 * What runChecks must find, without its walk: the parser's problems and
 * every check run on its own. The walk reads one rule per shape and keeps
 * facts per rule (server/src/checks/walk.ts, shape.ts); tests and the fuzz
 * compare its problems with these, as keys that say where, what and why.
 */
import { CHECKS } from '../../server/src/checks';
import type { Analysis } from '../../server/src/model/analysis';
import type { Problem } from '../../server/src/model/types';

/** The distinct problems as sorted keys: span, code, severity and message. */
export function problemKeys(problems: readonly Problem[]): string[] {
  return [...new Set(problems.map((p) => `${p.span.line}:${p.span.start}-${p.span.endLine}:${p.span.end} ${p.code} ${p.severity} ${p.message}`))].sort();
}

/** The parser's problems and those of every check run on its own, as problemKeys. */
export function keysOfEachCheck(analysis: Analysis): string[] {
  return problemKeys([...analysis.ruleset.problems, ...CHECKS.flatMap((check) => check(analysis))]);
}
