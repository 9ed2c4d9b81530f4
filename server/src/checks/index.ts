/**
 * All diagnostics of a document: the parser's problems plus every check, with
 * the user's settings applied. Each check lives in its own file with its
 * stable code and the one function that builds its problem.
 */
import type { Analysis } from '../model/analysis';
import type { Problem } from '../model/types';
import { checkBadArgument, ruleBadArgument } from './badArgument';
import { checkBadNegation, ruleBadNegation } from './badNegation';
import { checkBadValue, ruleBadValue } from './badValue';
import { checkBuiltinChainWrongTable } from './builtinChainWrongTable';
import { checkChainNameTooLong } from './chainNameTooLong';
import { checkDuplicateOption, ruleDuplicateOption } from './duplicateOption';
import { checkEmptyChainJump } from './emptyChainJump';
import { checkExternalObject, ruleExternalObject } from './externalObject';
import { checkHostnameLookup, ruleHostnameLookup } from './hostnameLookup';
import { checkJumpLoop } from './jumpLoop';
import { checkJumpToBuiltin } from './jumpToBuiltin';
import { checkJumpTooDeep } from './jumpTooDeep';
import { checkLegacyOnly, ruleLegacyOnly } from './legacyOnly';
import { checkLoopUnreachable } from './loopUnreachable';
import { checkMissingValue, ruleMissingValue } from './missingValue';
import { checkMissingProtocol, ruleMissingProtocol } from './missingProtocol';
import { checkNftOnly, ruleNftOnly } from './nftOnly';
import { checkParameterTooLong } from './parameterTooLong';
import { checkReturnInBuiltin } from './returnInBuiltin';
import { checkShadowedRule } from './shadowedRule';
import { checkTargetWrongChain, ruleTargetWrongChain } from './targetWrongChain';
import { checkTargetWrongTable, ruleTargetWrongTable } from './targetWrongTable';
import { checkTruncatedListing } from './truncatedListing';
import { LineIndex } from './rules';
import type { Check, CheckSettings, RuleCheck } from './types';
import { CheckMemo } from './memo';
import { Found, walkRulesInSlices, type RuleCheckEntry, type WalkRanks } from './walk';
import { checkUndefinedChain } from './undefinedChain';
import { checkUnknownMatch, ruleUnknownMatch } from './unknownMatch';
import { checkUnknownOption, ruleUnknownOption } from './unknownOption';
import { checkUnreachableRule } from './unreachableRule';
import { checkUnknownService, ruleUnknownService } from './unknownService';
import { checkUnknownTarget, ruleUnknownTarget } from './unknownTarget';
import { checkUnreferencedChain } from './unreferencedChain';

export type { CheckSettings } from './types';
export { CheckMemo } from './memo';
export { firstError, firstReported, reportedLine } from './kernelOrder';

/**
 * Every check, each able to run on its own (tests, per-check timing). The
 * order is the order among problems at the same position, so it stays put.
 */
export const CHECKS: readonly Check[] = [
  checkUndefinedChain, checkTruncatedListing, checkJumpLoop, checkLoopUnreachable, checkJumpTooDeep, checkJumpToBuiltin,
  checkTargetWrongTable, checkTargetWrongChain, checkUnknownMatch, checkUnknownOption, checkMissingValue, checkBadValue,
  checkBadArgument, checkHostnameLookup, checkChainNameTooLong, checkBuiltinChainWrongTable, checkUnreferencedChain,
  checkUnreachableRule, checkShadowedRule, checkEmptyChainJump, checkReturnInBuiltin, checkLegacyOnly, checkNftOnly,
  checkExternalObject, checkUnknownService, checkMissingProtocol, checkDuplicateOption,
  checkBadNegation, checkUnknownTarget, checkParameterTooLong,
];

const rank = (check: Check): number => CHECKS.indexOf(check);

/** The checks that read the chain graph, the chains or the lines, not single rules: run once per document. */
const DOCUMENT_CHECKS: readonly Check[] = [
  checkUndefinedChain, checkTruncatedListing, checkJumpLoop, checkLoopUnreachable, checkJumpTooDeep, checkJumpToBuiltin,
  checkChainNameTooLong, checkBuiltinChainWrongTable, checkUnreferencedChain, checkEmptyChainJump, checkReturnInBuiltin,
];

/** The rule-local checks, run in one walk over the rules (see walk.ts and memo.ts). */
const RULE_CHECKS: readonly RuleCheckEntry[] = [
  { check: ruleTargetWrongTable, rank: rank(checkTargetWrongTable), usesOptions: true },
  { check: ruleTargetWrongChain, rank: rank(checkTargetWrongChain), usesOptions: false },
  { check: ruleUnknownMatch, rank: rank(checkUnknownMatch), usesOptions: false },
  { check: ruleUnknownOption, rank: rank(checkUnknownOption), usesOptions: true },
  { check: ruleMissingValue, rank: rank(checkMissingValue), usesOptions: true },
  { check: ruleBadValue, rank: rank(checkBadValue), usesOptions: true },
  { check: ruleBadArgument, rank: rank(checkBadArgument), usesOptions: true },
  { check: ruleHostnameLookup, rank: rank(checkHostnameLookup), usesOptions: false },
  { check: ruleLegacyOnly, rank: rank(checkLegacyOnly), usesOptions: false },
  { check: ruleNftOnly, rank: rank(checkNftOnly), usesOptions: false },
  { check: ruleExternalObject, rank: rank(checkExternalObject), usesOptions: false },
  { check: ruleUnknownService, rank: rank(checkUnknownService), usesOptions: true },
  { check: ruleMissingProtocol, rank: rank(checkMissingProtocol), usesOptions: false },
  { check: ruleDuplicateOption, rank: rank(checkDuplicateOption), usesOptions: true },
  { check: ruleBadNegation, rank: rank(checkBadNegation), usesOptions: true },
  { check: ruleUnknownTarget, rank: rank(checkUnknownTarget), usesOptions: false },
];

/** The rule-local checks on their own (tests swap words of a rule and compare what these find). */
export const RULE_LOCAL_CHECKS: readonly RuleCheck[] = RULE_CHECKS.map((entry) => entry.check);

const RANKS: WalkRanks = {
  checks: RULE_CHECKS,
  unreachable: rank(checkUnreachableRule),
  shadowed: rank(checkShadowedRule),
  targetWrongChain: rank(checkTargetWrongChain),
  parse: CHECKS.length,
};

/** Applies `disable` and `severity` settings to a list of problems. */
export function applySettings(problems: Problem[], settings: CheckSettings | undefined): Problem[] {
  if (!settings) return problems;
  const disabled = new Set(settings.disable ?? []);
  const out: Problem[] = [];
  for (const p of problems) {
    if (disabled.has(p.code)) continue;
    const s = settings.severity?.[p.code];
    if (s === 'off') continue;
    out.push(s ? { ...p, severity: s } : p);
  }
  return out;
}

/**
 * The parser's problems and every check's findings for a document, sorted by
 * position (then by check, in CHECKS order, the parser's last), with
 * duplicates removed and the settings applied. Never throws: a check that
 * fails is left out so the others still report.
 *
 * With `memo` (one per document, passed again with each new version), rules
 * whose line, scope and target kind are unchanged since the previous version
 * are not read again (see memo.ts). Every rule read is released afterwards.
 */
export function runChecks(analysis: Analysis, settings?: CheckSettings, memo?: CheckMemo): Problem[] {
  // Diagnostics and code actions ask for the same document version; check it once.
  let found = checked.get(analysis);
  if (!found) {
    found = checkAll(analysis, memo);
    checked.set(analysis, found);
  }
  return settings ? applySettings(found, settings) : found.slice();
}

const checked = new WeakMap<Analysis, Problem[]>();

/**
 * runChecks with a memo, a slice of `sliceRules` rules at a time (see
 * walkRulesInSlices), for filling a document's memo while the server is
 * idle. Returns whether it finished; when another check used the memo in
 * a pause, it gives up and keeps nothing.
 */
export function* runChecksInSlices(analysis: Analysis, memo: CheckMemo, sliceRules: number): Generator<void, boolean> {
  if (checked.has(analysis)) return true;
  const found = yield* checkAllInSlices(analysis, memo, sliceRules);
  if (found) checked.set(analysis, found);
  return found !== null;
}

/** The checks that threw on a document version (their findings left out), by name; kept for tests and the fuzz. */
const failures = new WeakMap<Analysis, string[]>();

/** Names of the checks whose findings runChecks left out for this analysis because they threw. */
export function checkFailures(analysis: Analysis): readonly string[] {
  return failures.get(analysis) ?? [];
}

function checkAll(analysis: Analysis, memo: CheckMemo | undefined): Problem[] {
  const steps = checkAllInSlices(analysis, memo, Infinity);
  for (;;) {
    const step = steps.next();
    // Without pauses no other walk can come in between: it always finishes.
    if (step.done) return step.value ?? [];
  }
}

/** checkAll a slice at a time; null when it gave up (see walkRulesInSlices). */
function* checkAllInSlices(analysis: Analysis, memo: CheckMemo | undefined, sliceRules: number): Generator<void, Problem[] | null> {
  const ruleset = analysis.ruleset;
  const found = new Found();
  const lines = analysis.lines ?? new LineIndex(analysis.text);
  // Rules a later -F or -X took out of their chain are still read by iptables-restore; only the ruleset lists them.
  const orphans = ruleset.rulesDropped;
  for (const p of orphans ? ruleset.problems : ruleset.lineProblems) found.add(p, RANKS.parse);
  try {
    if (!(yield* walkRulesInSlices(analysis, lines, found, RANKS, memo, !orphans, sliceRules))) return null;
  } catch {
    // A bug in the walk must not hide the graph checks' diagnostics.
    for (const entry of RULE_CHECKS) found.failed.add(entry.rank);
    found.failed.add(RANKS.unreachable).add(RANKS.shadowed).add(RANKS.targetWrongChain);
  }
  for (const check of DOCUMENT_CHECKS) {
    try {
      for (const p of check(analysis)) found.add(p, rank(check));
    } catch {
      found.failed.add(rank(check));
    }
  }
  try {
    for (const p of checkParameterTooLong(analysis, lines)) found.add(p, rank(checkParameterTooLong));
  } catch {
    found.failed.add(rank(checkParameterTooLong));
  }
  const failed = CHECKS.filter((c, i) => found.failed.has(i)).map((c) => c.name);
  if (failed.length) failures.set(analysis, failed);
  return ordered(found);
}

/** Sorted by line, column and rank (stable), without a problem equal in code, span and message to an earlier one. */
function ordered(found: Found): Problem[] {
  const { problems, ranks, failed } = found;
  const order: number[] = [];
  for (let i = 0; i < problems.length; i++) if (!failed.has(ranks[i])) order.push(i);
  order.sort((a, b) => {
    const p = problems[a].span;
    const q = problems[b].span;
    return p.line - q.line || p.start - q.start || ranks[a] - ranks[b] || a - b;
  });
  const out: Problem[] = [];
  let group = 0;
  for (const i of order) {
    const p = problems[i];
    const last = out[out.length - 1];
    if (!last || last.span.line !== p.span.line || last.span.start !== p.span.start) group = out.length;
    let duplicate = false;
    for (let j = group; j < out.length && !duplicate; j++) {
      const q = out[j];
      duplicate = q.code === p.code && q.span.endLine === p.span.endLine && q.span.end === p.span.end && q.message === p.message;
    }
    if (!duplicate) out.push(p);
  }
  return out;
}
