import type { Analysis } from '../model/analysis';
import { edgesInto } from './graphEdges';
import type { Problem, Rule } from '../model/types';

export const JUMP_TO_BUILTIN = 'jump-to-builtin';

/** `-j OUTPUT`: a rule cannot jump to a built-in chain; the kernel refuses it (No such file or directory). */
export function jumpToBuiltin(rule: Rule): Problem {
  return {
    span: rule.target!.nameSpan, severity: 'error', code: JUMP_TO_BUILTIN,
    message: `${rule.target!.name} is a built-in chain: rules cannot jump or go to it, and the kernel refuses this rule.`,
    data: { phase: 'kernel' },
  };
}

export function checkJumpToBuiltin(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    edgesInto(analysis.graphOf(table), checkJumpToBuiltin, (to) => to.builtin, (rule) => out.push(jumpToBuiltin(rule)));
  }
  return out;
}
