import { buildGraph } from './buildGraph';
import type { Match, Ruleset, Span } from './types';

/** The CLI's `parse --json` shape, with 1-based lines and columns. */
export interface RulesetJson {
  format: Ruleset['format'];
  family: Ruleset['family'];
  tables: {
    name: string;
    chains: {
      name: string;
      builtin: boolean;
      policy: string | null;
      line: number | null;
      references: number;
      rules: {
        line: number;
        index: number;
        target: string | null;
        targetKind: string;
        matches: { module: string; negated: boolean; options: Record<string, string | boolean>; text: string }[];
      }[];
    }[];
  }[];
  problems: { line: number; column: number; severity: string; code: string; message: string }[];
}

function matchOptions(m: Match): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  // Defined, not assigned: an option named __proto__ becomes a key like any other.
  for (const o of m.options) Object.defineProperty(out, (o.negated ? '!' : '') + o.name, { value: o.value ?? true, enumerable: true, writable: true, configurable: true });
  return out;
}

function line(span: Span | null): number | null {
  return span ? span.line + 1 : null;
}

/** Turns a model into the documented JSON shape (the model itself holds maps and cycles of references). */
export function toJson(ruleset: Ruleset): RulesetJson {
  const graph = buildGraph(ruleset);
  return {
    format: ruleset.format,
    family: ruleset.family,
    tables: ruleset.tables.map((table) => {
      const g = graph.byTable.get(table)!;
      return {
        name: table.name,
        chains: table.chains.map((chain) => ({
          name: chain.name,
          builtin: chain.builtin,
          policy: chain.policy,
          line: line(chain.declSpan),
          references: g.incoming.get(chain.name)?.length ?? 0,
          rules: chain.rules.map((rule) => ({
            line: rule.span.line + 1,
            index: rule.index,
            target: rule.target ? rule.target.name : null,
            targetKind: rule.target ? rule.target.kind : 'none',
            matches: rule.matches.map((m) => ({ module: m.module, negated: m.negated, options: matchOptions(m), text: m.text })),
          })),
        })),
      };
    }),
    problems: ruleset.problems.map((p) => ({
      line: p.span.line + 1, column: p.span.start + 1, severity: p.severity, code: p.code, message: p.message,
    })),
  };
}
