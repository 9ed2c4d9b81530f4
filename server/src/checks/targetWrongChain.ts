import type { Analysis } from '../model/analysis';
import type { Problem, Rule, Span } from '../model/types';
import { arrivals } from './reach';
import { restrictedExtensions, type Restricted } from './restricted';
import { tableKnown } from './targetWrongTable';

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

function allowedText(ext: Restricted): string {
  return `${ext.label} is only valid in ${ext.info.hooks!.join('/')}`;
}

export function checkTargetWrongChain(analysis: Analysis): Problem[] {
  if (analysis.ruleset.format !== 'save') return [];
  const family = analysis.ruleset.family;
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    if (!tableKnown(table)) continue;
    const graph = analysis.graphOf(table);
    let arrive: ReturnType<typeof arrivals> | null = null;
    for (const chain of table.chains) {
      for (const rule of chain.rules) {
        if (chain.builtin) {
          for (const m of rule.matches) {
            const o = m.options[0];
            if ((m.module === 'in-interface' && NO_IN_INTERFACE.has(chain.name)) || (m.module === 'out-interface' && NO_OUT_INTERFACE.has(chain.name))) {
              out.push(targetWrongChain(o?.nameSpan ?? m.span, `${m.module === 'in-interface' ? '-i' : '-o'} cannot be used in ${chain.name}: packets there have no ${m.module === 'in-interface' ? 'input' : 'output'} interface yet, and iptables refuses the rule.`, 'parse'));
            }
          }
        }
        const exts = restrictedExtensions(rule, family).filter((e) => e.info.hooks && (!e.info.tables || e.info.tables.includes(table.name)));
        if (!exts.length) continue;
        if (chain.builtin) {
          for (const ext of exts) {
            if (!ext.info.hooks!.includes(chain.name)) {
              out.push(targetWrongChain(ext.span, `${allowedText(ext)}, not ${chain.name}: the kernel refuses this rule.`, 'kernel'));
            }
          }
          continue;
        }
        arrive ??= arrivals(graph);
        for (const ext of exts) {
          // The earliest point in the file at which the chain is reached from a hook the extension does not support.
          let worst: { builtin: string; line: number; via: Rule | null } | null = null;
          for (const [builtin, map] of arrive) {
            if (ext.info.hooks!.includes(builtin)) continue;
            const a = map.get(chain.name);
            if (!a) continue;
            const line = Math.max(a.line, rule.span.line);
            if (!worst || line < worst.line) worst = { builtin, line, via: a.line > rule.span.line ? a.edge!.rule : null };
          }
          if (!worst) continue;
          if (!worst.via) {
            out.push(targetWrongChain(ext.span, `${allowedText(ext)}, but chain ${chain.name} is reached from ${worst.builtin}: the kernel refuses this rule.`, 'validate'));
          } else {
            out.push(targetWrongChain(worst.via.target!.nameSpan, `This jump makes chain ${chain.name} reachable from ${worst.builtin}, but its rule on line ${rule.span.line + 1} uses ${ext.label}, only valid in ${ext.info.hooks!.join('/')}: the kernel refuses this jump.`, 'validate'));
          }
        }
      }
    }
  }
  return out;
}
