import type { Analysis } from '../model/analysis';
import type { Chain, Problem, Rule, Span, TableGraph } from '../model/types';
import { arrivalsOf, NEVER, reachOf } from './reach';
import { restrictedExtensions, restrictedLabel, restrictedSpan, type Restricted } from './restricted';
import { resolveOptions } from './extensions';
import { LineIndex, ruleLine as lineOf, scopeOf, tableKnown } from './rules';
import type { RuleCheck, RuleScope } from './types';

export const TARGET_WRONG_CHAIN = 'target-wrong-chain';

/** Built-in chains where `-i` / `-o` mean nothing; iptables refuses them there while reading the line. */
const NO_IN_INTERFACE = new Set(['OUTPUT', 'POSTROUTING']);
const NO_OUT_INTERFACE = new Set(['INPUT', 'PREROUTING']);

/**
 * A target or match used where the kernel refuses it: in a built-in chain
 * whose hook it does not support, or in a user chain that such a built-in
 * chain reaches. `at` is where the kernel notices: the rule itself, or the
 * jump that makes its chain reachable from the wrong hook.
 */
export function targetWrongChain(span: Span, message: string, phase: 'parse' | 'kernel' | 'validate'): Problem {
  return { span, severity: 'error', code: TARGET_WRONG_CHAIN, message, data: { phase } };
}

function allowedText(label: string, hooks: readonly string[]): string {
  return `${label} is only valid in ${hooks.join('/')}`;
}

/** The rule's extensions that only some hooks allow (and that its table allows at all). */
function hookRestricted(rule: Rule, scope: RuleScope): Restricted[] | null {
  const exts = restrictedExtensions(rule, scope.family);
  if (!exts) return null;
  const kept = exts.filter((e) => e.info.hooks && (!e.info.tables || e.info.tables.includes(scope.table)));
  return kept.length ? kept : null;
}

/**
 * The part that needs only the rule: -i/-o in a built-in chain without that
 * interface, and extensions a built-in chain's hook does not allow.
 */
export const ruleTargetWrongChain: RuleCheck = (rule, _options, scope, out) => {
  if (!scope.tableKnown || !scope.builtin) return;
  const chain = scope.chain;
  for (const m of rule.matches) {
    if ((m.module === 'in-interface' && NO_IN_INTERFACE.has(chain)) || (m.module === 'out-interface' && NO_OUT_INTERFACE.has(chain))) {
      const o = m.options[0];
      out.push(targetWrongChain(o?.nameSpan ?? m.span, `${m.module === 'in-interface' ? '-i' : '-o'} cannot be used in ${chain}: packets there have no ${m.module === 'in-interface' ? 'input' : 'output'} interface yet, and iptables refuses the rule.`, 'parse'));
    }
  }
  const exts = hookRestricted(rule, scope);
  if (!exts) return;
  for (const ext of exts) {
    if (!ext.info.hooks!.includes(chain)) {
      out.push(targetWrongChain(restrictedSpan(ext), `${allowedText(restrictedLabel(ext), ext.info.hooks!)}, not ${chain}: the kernel refuses this rule.`, 'kernel'));
    }
  }
};

/**
 * An extension with hook restrictions used in a user chain, as the graph
 * part of the check needs it: plain data on the rule's line (columns only),
 * so the memo can keep it without the parsed rule.
 */
export interface HookUse {
  hooks: readonly string[];
  label: string;
  start: number;
  end: number;
}

/** The hook-restricted extensions of a rule in a user chain of a known table (save format); null when none. */
export function hookUses(rule: Rule, scope: RuleScope): HookUse[] | null {
  if (scope.format !== 'save' || !scope.tableKnown || scope.builtin) return null;
  const exts = hookRestricted(rule, scope);
  if (!exts) return null;
  return exts.map((ext) => {
    const span = restrictedSpan(ext);
    return { hooks: ext.info.hooks!, label: restrictedLabel(ext), start: span.start, end: span.end };
  });
}

/**
 * The part that needs the chain graph: a user chain whose rule uses an
 * extension is reached from a hook the extension does not support. The
 * kernel names the rule, or the jump that completes the path if it comes later.
 */
export function reachedFromWrongHook(chainOf: Chain, rule: Rule, uses: readonly HookUse[], graph: TableGraph, out: Problem[]): void {
  // First whether any hook an extension does not allow reaches the chain at all; only then when.
  const reach = reachOf(graph);
  const mask = reach.rootsReaching(chainOf);
  let wrong = false;
  for (const use of uses) {
    for (let r = 0; r < reach.roots.length && !wrong; r++) wrong = (mask & (1 << r)) !== 0 && !use.hooks.includes(reach.roots[r]);
  }
  if (!wrong) return;
  const arrive = arrivalsOf(graph);
  const id = arrive.idOfChain(chainOf);
  if (id === undefined) return;
  const chain = chainOf.name;
  const ruleLine = lineOf(rule);
  for (const use of uses) {
    // The earliest point in the file at which the chain is reached from a hook the extension does not support.
    let worst = -1;
    let worstLine = 0;
    for (let r = 0; r < arrive.roots.length; r++) {
      const at = arrive.lineAt(r, id);
      if (at === NEVER || use.hooks.includes(arrive.roots[r])) continue;
      const line = Math.max(at, ruleLine);
      if (worst < 0 || line < worstLine) {
        worst = r;
        worstLine = line;
      }
    }
    if (worst < 0) continue;
    const builtin = arrive.roots[worst];
    const at = arrive.lineAt(worst, id);
    if (at <= ruleLine) {
      out.push(targetWrongChain({ line: ruleLine, start: use.start, endLine: ruleLine, end: use.end }, `${allowedText(use.label, use.hooks)}, but chain ${chain} is reached from ${builtin}: the kernel refuses this rule.`, 'validate'));
    } else {
      const via = arrive.edgeAt(worst, id)!.rule;
      out.push(targetWrongChain(via.target!.nameSpan, `This jump makes chain ${chain} reachable from ${builtin}, but its rule on line ${ruleLine + 1} uses ${use.label}, only valid in ${use.hooks.join('/')}: the kernel refuses this jump.`, 'validate'));
    }
  }
}

export function checkTargetWrongChain(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const out: Problem[] = [];
  const lines = new LineIndex(analysis.text);
  for (const table of analysis.ruleset.tables) {
    if (!tableKnown(table)) continue;
    for (const chain of table.chains) {
      const scope = scopeOf(analysis.ruleset, table, chain, lines);
      for (const rule of chain.rules) {
        ruleTargetWrongChain(rule, resolveOptions(rule, scope.family), scope, out);
        const uses = hookUses(rule, scope);
        if (!uses) continue;
        reachedFromWrongHook(chain, rule, uses, analysis.graphOf(table), out);
      }
    }
  }
  return out;
}
