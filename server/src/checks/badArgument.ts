import type { Analysis } from '../model/analysis';
import { lineSpan } from '../model/span';
import type { Option, Problem } from '../model/types';
import { runRuleCheck } from './rules';
import type { RuleCheck } from './types';

export const BAD_ARGUMENT = 'bad-argument';

/**
 * A word after an option that the option does not take, such as the second
 * word of an unquoted `--comment two words`: iptables-restore says
 * "Bad argument `words'". The parser reports stray words it meets itself.
 */
export function badArgument(option: Option, word: string, at: { line: number; start: number; end: number }): Problem {
  return {
    span: lineSpan(at.line, at.start, at.end), severity: 'error', code: BAD_ARGUMENT,
    message: `Bad argument \`${word}': --${option.name} takes ${option.values.length > 1 ? 'fewer words' : 'no value'}${option.name === 'comment' || option.name === 'log-prefix' ? '; put text with spaces in double quotes' : ''}.`,
    data: { phase: 'parse' },
  };
}

/** The span of the n-th value word of an option, found by re-reading its value text. */
function wordSpan(option: Option, lineText: string, n: number): { line: number; start: number; end: number } {
  const vs = option.valueSpan!;
  let pos = vs.start;
  for (let i = 0; i <= n; i++) {
    while (pos < vs.end && /\s/.test(lineText[pos])) pos++;
    const start = pos;
    let quoted = false;
    while (pos < vs.end && (quoted || !/\s/.test(lineText[pos]))) {
      if (lineText[pos] === '"') quoted = !quoted;
      else if (quoted && lineText[pos] === '\\') pos++;
      pos++;
    }
    if (i === n) return { line: vs.line, start, end: pos };
  }
  return { line: vs.line, start: vs.start, end: vs.end };
}

export const ruleBadArgument: RuleCheck = (_rule, options, scope, out) => {
  for (const r of options) {
    const o = r.optionInfo;
    if (!o) continue;
    const max = o.arity === 'none' ? 0 : o.arity === 'two' ? 2 : 1;
    if (r.option.values.length > max && r.option.valueSpan) {
      out.push(badArgument(r.option, r.option.values[max], wordSpan(r.option, scope.lineText(r.option.valueSpan.line), max)));
    }
  }
};

export function checkBadArgument(analysis: Analysis): Problem[] {
  return runRuleCheck(analysis, ruleBadArgument);
}
