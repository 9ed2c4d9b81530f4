/**
 * All diagnostics of a document: the parser's problems plus every check, with
 * the user's settings applied. Each check lives in its own file with its
 * stable code and the one function that builds its problem.
 */
import type { Analysis } from '../model/analysis';
import { compareSpans } from '../model/span';
import type { Problem } from '../model/types';
import { checkBadArgument } from './badArgument';
import { checkBadNegation } from './badNegation';
import { checkBadValue } from './badValue';
import { checkBuiltinChainWrongTable } from './builtinChainWrongTable';
import { checkChainNameTooLong } from './chainNameTooLong';
import { checkDuplicateOption } from './duplicateOption';
import { checkEmptyChainJump } from './emptyChainJump';
import { checkExternalObject } from './externalObject';
import { checkHostnameLookup } from './hostnameLookup';
import { checkJumpLoop } from './jumpLoop';
import { checkJumpToBuiltin } from './jumpToBuiltin';
import { checkJumpTooDeep } from './jumpTooDeep';
import { checkLegacyOnly } from './legacyOnly';
import { checkLoopUnreachable } from './loopUnreachable';
import { checkMissingValue } from './missingValue';
import { checkMissingProtocol } from './missingProtocol';
import { checkNftOnly } from './nftOnly';
import { checkParameterTooLong } from './parameterTooLong';
import { checkReturnInBuiltin } from './returnInBuiltin';
import { checkShadowedRule } from './shadowedRule';
import { checkTargetWrongChain } from './targetWrongChain';
import { checkTargetWrongTable } from './targetWrongTable';
import { checkTruncatedListing } from './truncatedListing';
import type { Check, CheckSettings } from './types';
import { checkUndefinedChain } from './undefinedChain';
import { checkUnknownMatch } from './unknownMatch';
import { checkUnknownOption } from './unknownOption';
import { checkUnreachableRule } from './unreachableRule';
import { checkUnknownService } from './unknownService';
import { checkUnknownTarget } from './unknownTarget';
import { checkUnreferencedChain } from './unreferencedChain';

export type { CheckSettings } from './types';
export { firstError, firstReported, reportedLine } from './kernelOrder';

/** Every check, in no particular order (results are sorted by position). */
export const CHECKS: readonly Check[] = [
  checkUndefinedChain, checkTruncatedListing, checkJumpLoop, checkLoopUnreachable, checkJumpTooDeep, checkJumpToBuiltin,
  checkTargetWrongTable, checkTargetWrongChain, checkUnknownMatch, checkUnknownOption, checkMissingValue, checkBadValue,
  checkBadArgument, checkHostnameLookup, checkChainNameTooLong, checkBuiltinChainWrongTable, checkUnreferencedChain,
  checkUnreachableRule, checkShadowedRule, checkEmptyChainJump, checkReturnInBuiltin, checkLegacyOnly, checkNftOnly,
  checkExternalObject, checkUnknownService, checkMissingProtocol, checkDuplicateOption,
  checkBadNegation, checkUnknownTarget, checkParameterTooLong,
];

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
 * position, with duplicates removed and the settings applied. Never throws:
 * a check that fails is skipped so the others still report.
 */
export function runChecks(analysis: Analysis, settings?: CheckSettings): Problem[] {
  // Diagnostics and code actions ask for the same document version; check it once.
  let found = checked.get(analysis);
  if (!found) {
    found = checkAll(analysis);
    checked.set(analysis, found);
  }
  return settings ? applySettings(found, settings) : found.slice();
}

const checked = new WeakMap<Analysis, Problem[]>();

function checkAll(analysis: Analysis): Problem[] {
  const all: Problem[] = [];
  for (const check of CHECKS) {
    try {
      all.push(...check(analysis));
    } catch {
      // A bug in one check must not hide the others' diagnostics.
    }
  }
  // Read after the checks: rules parsed on demand add their problems to the ruleset's list.
  all.push(...analysis.ruleset.problems);
  const seen = new Set<string>();
  const unique = all.filter((p) => {
    const key = `${p.code}|${p.span.line}|${p.span.start}|${p.span.endLine}|${p.span.end}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => compareSpans(a.span, b.span));
  return unique;
}
