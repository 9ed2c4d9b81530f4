/**
 * Folding: each table block (`*nat` … COMMIT, or a listing's table), each
 * listing chain (header through last row), a save chain's declaration with
 * the rules that follow it directly, and each run of consecutive `-A`/`-I`
 * lines of one chain (how iptables-save groups them).
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { Analysis } from '../model/analysis';
import { chainExtent } from './chainOccurrences';

export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const { ruleset } = analysis;
  const out: FoldingRange[] = [];
  const seen = new Set<string>();
  const add = (start: number, end: number, kind?: FoldingRangeKind) => {
    if (end <= start) return;
    const key = `${start}:${end}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(kind ? { startLine: start, endLine: end, kind } : { startLine: start, endLine: end });
  };
  for (const table of ruleset.tables) {
    add(table.span.line, table.span.endLine, FoldingRangeKind.Region);
    for (const chain of table.chains) {
      const extent = chainExtent(chain, ruleset.format);
      if (extent) add(extent.line, extent.endLine);
      if (ruleset.format !== 'save' || chain.rules.length < 2) continue;
      const lines = chain.rules.map((r) => r.span).sort((a, b) => a.line - b.line);
      let runStart = lines[0].line;
      let runEnd = lines[0].endLine;
      for (let i = 1; i <= lines.length; i++) {
        const s = lines[i];
        if (s && s.line === runEnd + 1) {
          runEnd = s.endLine;
          continue;
        }
        add(runStart, runEnd);
        if (s) {
          runStart = s.line;
          runEnd = s.endLine;
        }
      }
    }
  }
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
