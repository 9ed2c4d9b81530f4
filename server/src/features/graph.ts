/**
 * The chain graph as a picture: the neighbourhood of a chain (callers and
 * callees to a depth, under a node cap) or a whole table, as the protocol's
 * GraphResult, and that result as Graphviz dot or Mermaid text. Used by the
 * `iptables/graph` request (the graph view) and the CLI `graph` command.
 */
import type { Analysis } from '../model/analysis';
import type { Chain, Table } from '../model/types';
import type { GraphEdge, GraphNode, GraphResult } from '../protocol';
import { chainAnchor, chainAt, chainOnLine } from './chainOccurrences';

/** Default node cap of the graph view: enough to read, small enough to lay out instantly. */
export const DEFAULT_MAX_NODES = 150;

/** A node id unique in the ruleset: `table/chain`, with the block number when a table appears twice. */
export function nodeId(analysis: Analysis, table: Table, chain: string): string {
  const tables = analysis.ruleset.tables;
  const twice = tables.some((t) => t !== table && t.name === table.name);
  return twice ? `${table.name}#${tables.indexOf(table) + 1}/${chain}` : `${table.name}/${chain}`;
}

type Direction = 'both' | 'callers' | 'callees';

/** Distinct chains at the other end of a chain's incoming or outgoing edges. */
function neighbours(analysis: Analysis, table: Table, chain: Chain, dir: 'callers' | 'callees'): Chain[] {
  const g = analysis.graphOf(table);
  const edges = (dir === 'callers' ? g.incoming : g.outgoing).get(chain.name) ?? [];
  const seen = new Set<Chain>();
  for (const e of edges) seen.add(dir === 'callers' ? e.from : e.to);
  return [...seen];
}

function makeResult(analysis: Analysis, table: Table, shown: Map<Chain, boolean>, depth: number | undefined): GraphResult {
  const g = analysis.graphOf(table);
  const nodes: GraphNode[] = [];
  const hidden = new Set<Chain>();
  for (const [chain, centre] of shown) {
    let hiddenCallers = 0;
    let hiddenCallees = 0;
    for (const c of neighbours(analysis, table, chain, 'callers')) if (!shown.has(c)) { hiddenCallers++; hidden.add(c); }
    for (const c of neighbours(analysis, table, chain, 'callees')) if (!shown.has(c)) { hiddenCallees++; hidden.add(c); }
    const node: GraphNode = {
      id: nodeId(analysis, table, chain.name),
      table: table.name,
      chain: chain.name,
      builtin: chain.builtin,
      policy: chain.builtin ? chain.policy ?? 'ACCEPT' : null,
      rules: chain.rules.length,
      references: (g.incoming.get(chain.name) ?? []).length,
      line: chainAnchor(chain)?.selection.line ?? null,
    };
    if (centre) node.centre = true;
    if (hiddenCallers) node.hiddenCallers = hiddenCallers;
    if (hiddenCallees) node.hiddenCallees = hiddenCallees;
    nodes.push(node);
  }
  const edges = new Map<string, GraphEdge>();
  for (const chain of shown.keys()) {
    for (const e of g.outgoing.get(chain.name) ?? []) {
      if (!shown.has(e.to)) continue;
      const from = nodeId(analysis, table, e.from.name);
      const to = nodeId(analysis, table, e.to.name);
      const key = `${from}\u0000${to}\u0000${e.kind}`;
      const have = edges.get(key);
      if (have) have.count++;
      else edges.set(key, { from, to, kind: e.kind, count: 1 });
    }
  }
  const result: GraphResult = { nodes, edges: [...edges.values()], omitted: hidden.size, table: table.name };
  if (depth !== undefined) result.depth = depth;
  return result;
}

/**
 * The chains around `centres`: callers (walking incoming edges) and callees
 * (walking outgoing edges) up to `depth` steps, breadth first so the nearest
 * chains survive the node cap. `omitted` counts the distinct chains next to
 * a shown one that are not shown; each node says how many of its own
 * callers and callees were left out.
 */
export function neighbourhood(
  analysis: Analysis, table: Table, centres: readonly Chain[], depth: number, maxNodes = DEFAULT_MAX_NODES, only: Direction = 'both',
): GraphResult {
  const shown = new Map<Chain, boolean>();
  const queue: { chain: Chain; dist: number; dir: Direction }[] = [];
  for (const c of centres) {
    if (shown.size >= maxNodes || shown.has(c)) continue;
    shown.set(c, true);
    queue.push({ chain: c, dist: 0, dir: only });
  }
  for (let q = 0; q < queue.length; q++) {
    const { chain, dist, dir } = queue[q];
    if (dist >= depth) continue;
    const steps: ('callers' | 'callees')[] = dir === 'both' ? ['callers', 'callees'] : [dir];
    for (const step of steps) {
      for (const next of neighbours(analysis, table, chain, step)) {
        if (shown.has(next) || shown.size >= maxNodes) continue;
        shown.set(next, false);
        queue.push({ chain: next, dist: dist + 1, dir: step });
      }
    }
  }
  return makeResult(analysis, table, shown, depth);
}

/** Whether a chain is written in the dump; the kernel's implicit, empty built-in chains are not drawn. */
function inText(chain: Chain): boolean {
  return chain.declSpan !== null || chain.rules.length > 0;
}

/** Every chain of a table (built-in chains first), up to the node cap. */
export function wholeTable(analysis: Analysis, table: Table, maxNodes = Infinity): GraphResult {
  const shown = new Map<Chain, boolean>();
  const ordered = [...table.chains.filter((c) => c.builtin && inText(c)), ...table.chains.filter((c) => !c.builtin)];
  for (const c of ordered) {
    if (shown.size >= maxNodes) break;
    shown.set(c, false);
  }
  return makeResult(analysis, table, shown, undefined);
}

/**
 * The graph for the view: centred on the chain named under the cursor, or
 * the chain whose line the cursor is on, or else the built-in chains of the
 * table block around the cursor (callees only). Empty outside any table.
 */
export function graphAt(analysis: Analysis, line: number, character: number, depth: number, maxNodes = DEFAULT_MAX_NODES): GraphResult {
  const ref = chainAt(analysis, line, character);
  if (ref?.chain) return neighbourhood(analysis, ref.table, [ref.chain], depth, maxNodes);
  const on = chainOnLine(analysis, line);
  if (on) return neighbourhood(analysis, on.table, [on.chain], depth, maxNodes);
  const table = analysis.tableAt(line) ?? analysis.ruleset.tables[0];
  if (!table) return { nodes: [], edges: [], omitted: 0 };
  return neighbourhood(analysis, table, table.chains.filter((c) => c.builtin && inText(c)), depth, maxNodes, 'callees');
}

/** Several per-table graphs as one (the CLI draws every table unless told one). */
export function mergeGraphs(parts: readonly GraphResult[]): GraphResult {
  const out: GraphResult = { nodes: [], edges: [], omitted: 0 };
  for (const p of parts) {
    out.nodes.push(...p.nodes);
    out.edges.push(...p.edges);
    out.omitted += p.omitted;
  }
  const tables = [...new Set(parts.map((p) => p.table).filter((t): t is string => !!t))];
  if (tables.length) out.table = tables.join(',');
  if (parts.length && parts[0].depth !== undefined) out.depth = parts[0].depth;
  return out;
}

/** The second line of a node's label: policy or references, and rules. */
export function nodeSummary(n: GraphNode): string {
  const rules = `${n.rules} rule${n.rules === 1 ? '' : 's'}`;
  return n.builtin ? `policy ${n.policy ?? 'ACCEPT'} · ${rules}` : `${n.references} ref${n.references === 1 ? '' : 's'} · ${rules}`;
}

function hiddenNote(n: GraphNode): string | null {
  const parts: string[] = [];
  if (n.hiddenCallers) parts.push(`+${n.hiddenCallers} callers`);
  if (n.hiddenCallees) parts.push(`+${n.hiddenCallees} callees`);
  return parts.length ? parts.join(', ') + ' not shown' : null;
}

function edgeLabel(e: GraphEdge): string {
  return e.count > 1 ? `${e.kind} ×${e.count}` : e.kind;
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Graphviz dot: one cluster per table, left to right, built-in chains bold, gotos dashed. */
export function toDot(result: GraphResult): string {
  const out = ['digraph iptables {', '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  const byTable = new Map<string, GraphNode[]>();
  for (const n of result.nodes) {
    const key = n.id.slice(0, n.id.indexOf('/'));
    const list = byTable.get(key);
    if (list) list.push(n);
    else byTable.set(key, [n]);
  }
  for (const [table, nodes] of byTable) {
    out.push(`  subgraph ${dotString(`cluster_${table}`)} {`, `    label=${dotString(table)};`);
    for (const n of nodes) {
      const lines = [n.chain, nodeSummary(n)];
      const note = hiddenNote(n);
      if (note) lines.push(note);
      const attrs = [`label=${dotString(lines.join('\n'))}`];
      if (n.builtin) attrs.push('style=bold');
      if (n.centre) attrs.push('peripheries=2');
      out.push(`    ${dotString(n.id)} [${attrs.join(', ')}];`);
    }
    out.push('  }');
  }
  for (const e of result.edges) {
    const attrs = [`label=${dotString(edgeLabel(e))}`];
    if (e.kind === 'goto') attrs.push('style=dashed');
    out.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${attrs.join(', ')}];`);
  }
  if (result.omitted) out.push(`  // ${result.omitted} neighbouring chain(s) not shown`);
  out.push('}');
  return out.join('\n');
}

function mermaidText(s: string): string {
  return s.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

/** Mermaid flowchart, left to right; node ids are n0, n1, … since chain names may hold any character. */
export function toMermaid(result: GraphResult): string {
  const out = ['flowchart LR'];
  const ids = new Map<string, string>();
  result.nodes.forEach((n, i) => ids.set(n.id, `n${i}`));
  for (const n of result.nodes) {
    const lines = [n.builtin ? `<b>${mermaidText(n.chain)}</b>` : mermaidText(n.chain), mermaidText(nodeSummary(n))];
    const note = hiddenNote(n);
    if (note) lines.push(mermaidText(note));
    if (result.table?.includes(',')) lines.unshift(mermaidText(n.table));
    out.push(`  ${ids.get(n.id)}["${lines.join('<br/>')}"]`);
  }
  for (const e of result.edges) {
    const arrow = e.kind === 'goto' ? '-.->' : '-->';
    out.push(`  ${ids.get(e.from)} ${arrow}|${mermaidText(edgeLabel(e))}| ${ids.get(e.to)}`);
  }
  const builtins = result.nodes.filter((n) => n.builtin).map((n) => ids.get(n.id));
  if (builtins.length) out.push(`  classDef builtin stroke-width:3px;`, `  class ${builtins.join(',')} builtin;`);
  const centres = result.nodes.filter((n) => n.centre).map((n) => ids.get(n.id));
  if (centres.length) out.push(`  classDef centre stroke-dasharray:4 2;`, `  class ${centres.join(',')} centre;`);
  if (result.omitted) out.push(`  %% ${result.omitted} neighbouring chain(s) not shown`);
  return out.join('\n');
}

export interface GraphCommandOptions {
  format: 'dot' | 'mermaid' | 'json';
  /** Centre chain; without it the whole table(s) are drawn (from the built-in chains when a depth is given). */
  chain?: string;
  depth?: number;
  table?: string;
  maxNodes?: number;
}

/**
 * The CLI `graph` command over a parsed dump: the text to print, or an error
 * message for a chain or table the dump does not have.
 */
export function graphCommand(analysis: Analysis, opts: GraphCommandOptions): { output: string } | { error: string } {
  let tables = analysis.ruleset.tables;
  if (opts.table) {
    tables = tables.filter((t) => t.name === opts.table);
    if (!tables.length) return { error: `no table ${opts.table} in the dump (it has: ${[...new Set(analysis.ruleset.tables.map((t) => t.name))].join(', ') || 'none'})` };
  }
  const maxNodes = opts.maxNodes ?? Infinity;
  let parts: GraphResult[];
  if (opts.chain) {
    const name = opts.chain;
    const holding = tables.filter((t) => t.chainsByName.has(name));
    if (!holding.length) return { error: `no chain ${name} in ${opts.table ? `table ${opts.table}` : 'the dump'}` };
    parts = holding.map((t) => neighbourhood(analysis, t, [t.chainsByName.get(name)!], opts.depth ?? 2, maxNodes));
  } else if (opts.depth !== undefined) {
    parts = tables.map((t) => neighbourhood(analysis, t, t.chains.filter((c) => c.builtin && inText(c)), opts.depth!, maxNodes, 'callees'));
  } else {
    parts = tables.map((t) => wholeTable(analysis, t, maxNodes));
  }
  const result = mergeGraphs(parts);
  const output = opts.format === 'json' ? JSON.stringify(result, null, 2) : opts.format === 'mermaid' ? toMermaid(result) : toDot(result);
  return { output };
}
