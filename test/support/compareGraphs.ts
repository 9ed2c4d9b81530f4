/**
 * Compares the chain graphs two dump forms of one ruleset make (save, -S,
 * -nvL, -L -v …): tables, chains, policies, rule counts per chain, target
 * names and kinds, and edges. A table whose chains are all built in, empty
 * and ACCEPT is left out on both sides: listings print every table, loaded or
 * not, while iptables-save prints only the tables in use.
 */
import { buildTableGraph } from '../../server/src/model/buildGraph';
import type { Ruleset, Table } from '../../server/src/model/types';

export interface ChainSummary {
  builtin: boolean;
  /** ACCEPT/DROP for built-in chains (null, "left as it is", counts as ACCEPT); null for user chains. */
  policy: string | null;
  /** One entry per rule, in order: `NAME/kind` or `-` for a rule without target. */
  targets: string[];
}

export interface TableSummary {
  chains: Map<string, ChainSummary>;
  /** `FROM -> TO (jump|goto)`, one per edge, sorted. */
  edges: string[];
}

/** Table name → its summary; a table printed in several blocks is summarised as one. */
export type GraphSummary = Map<string, TableSummary>;

function isTrivial(table: Table): boolean {
  return table.chains.every((c) => c.builtin && c.rules.length === 0 && (c.policy === null || c.policy === 'ACCEPT'));
}

/** The normalised summary of a ruleset's chain graphs. */
export function summarise(ruleset: Ruleset): GraphSummary {
  const out: GraphSummary = new Map();
  for (const table of ruleset.tables) {
    if (isTrivial(table)) continue;
    let summary = out.get(table.name);
    if (!summary) {
      summary = { chains: new Map(), edges: [] };
      out.set(table.name, summary);
    }
    for (const chain of table.chains) {
      summary.chains.set(chain.name, {
        builtin: chain.builtin,
        policy: chain.builtin ? chain.policy ?? 'ACCEPT' : null,
        targets: chain.rules.map((r) => (r.target ? `${r.target.name}/${r.target.kind}` : '-')),
      });
    }
    for (const e of buildTableGraph(table).edges) summary.edges.push(`${e.from.name} -> ${e.to.name} (${e.kind})`);
    summary.edges.sort();
  }
  return out;
}

/**
 * What differs between two summaries, one line per difference, naming the
 * table, chain and rule; empty when the graphs agree.
 */
export function diffGraphs(a: GraphSummary, b: GraphSummary, labelA = 'a', labelB = 'b'): string[] {
  const diffs: string[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const ta = a.get(name);
    const tb = b.get(name);
    if (!ta || !tb) {
      diffs.push(`table ${name}: only in ${ta ? labelA : labelB}`);
      continue;
    }
    for (const chain of new Set([...ta.chains.keys(), ...tb.chains.keys()])) {
      const ca = ta.chains.get(chain);
      const cb = tb.chains.get(chain);
      if (!ca || !cb) {
        diffs.push(`${name}/${chain}: chain only in ${ca ? labelA : labelB}`);
        continue;
      }
      if (ca.builtin !== cb.builtin) diffs.push(`${name}/${chain}: built-in ${ca.builtin} in ${labelA}, ${cb.builtin} in ${labelB}`);
      if (ca.policy !== cb.policy) diffs.push(`${name}/${chain}: policy ${ca.policy} in ${labelA}, ${cb.policy} in ${labelB}`);
      if (ca.targets.length !== cb.targets.length) {
        diffs.push(`${name}/${chain}: ${ca.targets.length} rules in ${labelA}, ${cb.targets.length} in ${labelB}`);
      }
      const n = Math.min(ca.targets.length, cb.targets.length);
      for (let i = 0; i < n; i++) {
        if (ca.targets[i] !== cb.targets[i]) diffs.push(`${name}/${chain} rule ${i + 1}: ${ca.targets[i]} in ${labelA}, ${cb.targets[i]} in ${labelB}`);
      }
    }
    const ea = ta.edges.join('\n');
    const eb = tb.edges.join('\n');
    if (ea !== eb) {
      const onlyA = ta.edges.filter((e) => !tb.edges.includes(e));
      const onlyB = tb.edges.filter((e) => !ta.edges.includes(e));
      diffs.push(`table ${name}: edges differ (only in ${labelA}: ${onlyA.join('; ') || 'none'}; only in ${labelB}: ${onlyB.join('; ') || 'none'})`);
    }
  }
  return diffs;
}

/** Parses nothing itself: compares two parsed rulesets and returns the differences. */
export function compareGraphs(a: Ruleset, b: Ruleset, labelA = 'a', labelB = 'b'): string[] {
  return diffGraphs(summarise(a), summarise(b), labelA, labelB);
}
