/**
 * Everything a parse produced, written out as text: tables, chains, rules with
 * their matches, targets (kind and the chain they name), counters, spans, the
 * chain graph and every problem. Two parses give equal dumps exactly when
 * they agree on all of it.
 */
import { buildGraph } from '../../server/src/model/buildGraph';
import type { Ruleset, Span } from '../../server/src/model/types';

function sp(s: Span | null | undefined): string {
  return s ? `${s.line}:${s.start}-${s.endLine}:${s.end}` : '-';
}

export function modelDump(ruleset: Ruleset): string {
  const out: string[] = [`${ruleset.format} ${ruleset.family} ${ruleset.lineCount}`];
  const graph = buildGraph(ruleset);
  for (const t of ruleset.tables) {
    out.push(`*${t.name} ${sp(t.nameSpan)} ${sp(t.span)} ${sp(t.commitSpan)} ${t.tableSource ?? ''}`);
    const g = graph.byTable.get(t)!;
    out.push(`edges ${g.edges.map((e) => `${e.from.name}>${e.to.name}:${e.kind}@${e.rule.span.line}`).join(' ')}`);
    out.push(`dangling ${g.dangling.map((r) => r.span.line).join(' ')} cycles ${JSON.stringify(g.cycles)}`);
    out.push(`unreachable ${t.chains.filter((c) => !g.reachable.has(c.name)).map((c) => c.name).join(' ')}`);
    for (const c of t.chains) {
      out.push(`:${c.name} ${c.builtin} ${c.policy} ${sp(c.policySpan)} ${JSON.stringify(c.counters)} ${sp(c.declSpan)} ${sp(c.nameSpan)} ${sp(c.span)}`);
      for (const r of c.rules) {
        const x = r.target;
        out.push(
          `  ${r.index} ${r.chain} ${sp(r.span)} ${sp(r.chainNameSpan)} ${r.command} ${JSON.stringify(r.counters)} ${JSON.stringify(r.comments)} ` +
          (x ? `-> ${x.name} ${x.kind} ${x.goto} ${x.chain?.name ?? '-'} ${sp(x.span)} ${sp(x.nameSpan)} ${JSON.stringify(x.options)}` : '-> none'),
        );
        out.push(`    ${JSON.stringify(r.matches)}`);
      }
    }
  }
  for (const p of ruleset.problems) out.push(`! ${p.severity} ${p.code} ${sp(p.span)} ${p.message} ${JSON.stringify(p.data ?? null)}`);
  return out.join('\n');
}
