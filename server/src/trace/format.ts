/**
 * The trace in words for the command line: per branch its probability and
 * assumptions, one line per step (a run of rules that did not match, such as
 * 9,815 Services tried before the right one, is one line), the routing
 * decision, the verdict and the packet as it leaves.
 */
import { stepRun, type TraceBranch, type TraceResult, type TraceStep } from '../protocol';

function pct(p: number): string {
  return p === 1 ? '1' : (+p.toFixed(4)).toString();
}

function describeFinal(f: Record<string, unknown>): string {
  const ep = (a: unknown, port: unknown) => {
    const s = String(a);
    if (port === undefined) return s;
    return s.includes(':') ? `[${s}]:${port}` : `${s}:${port}`;
  };
  const parts = [`${f.protocol} ${ep(f.src, f.sport)} -> ${ep(f.dst, f.dport)}`];
  if (f.mark && f.mark !== '0x0') parts.push(`mark ${f.mark}`);
  if (f.ctmark && f.ctmark !== '0x0') parts.push(`ctmark ${f.ctmark}`);
  if (f.state && f.state !== 'NEW') parts.push(`state ${f.state}`);
  return parts.join(', ');
}

/** The line column: `line 35`, or `lines 30–9844` for a run. */
function lineText(s: TraceStep): string {
  if (s.line === null) return '';
  const run = stepRun(s);
  return run ? `lines ${s.line}–${run.lastLine}` : `line ${s.line}`;
}

function stepLine(s: TraceStep, lineWidth: number): string {
  const run = stepRun(s);
  const where = `${s.hook.padEnd(11)} ${s.table.padEnd(8)} ${s.chain}${s.rule === null ? '' : run ? ` #${s.rule}–#${run.last}` : ` #${s.rule}`}`;
  const head = `  ${where.padEnd(52)} ${lineText(s).padEnd(lineWidth)} ${s.result.padEnd(11)}`;
  // A run says how many rules it stands for, not its first rule's target (a run has no note, assumption or rewrite).
  if (run) return `${head} (${run.count} rules)`;
  const extra = [s.note, s.assumption, s.rewrite ? `rewrite ${Object.entries(s.rewrite).map(([k, v]) => `${k}=${v}`).join(' ')}` : '']
    .filter(Boolean).join('; ');
  return `${head} ${s.action}${extra ? `  (${extra})` : ''}`;
}

/**
 * Human output. `matchedOnly` leaves out the rules that did not match, for a
 * short answer.
 */
export function formatTrace(result: TraceResult, matchedOnly = false): string {
  const out: string[] = [];
  const n = result.branches.length;
  out.push(`${n} branch${n === 1 ? '' : 'es'}${result.omittedBranches ? ` (${result.omittedBranches} more branches not shown)` : ''}`);
  result.branches.forEach((b: TraceBranch & { route?: string }, i) => {
    out.push('');
    out.push(`branch ${i + 1}${n > 1 ? ` of ${n}` : ''}: ${b.verdict}, probability ${pct(b.probability)}`);
    for (const a of b.assumptions) out.push(`  ${a}`);
    let lastHook = '';
    // The line column is as wide as a run's `lines 108239–118037` needs.
    const lineWidth = b.steps.reduce((w, s) => Math.max(w, lineText(s).length), 10);
    for (const s of b.steps) {
      if (matchedOnly && s.result === 'no-match') continue;
      if (b.route && lastHook === 'PREROUTING' && s.hook !== 'PREROUTING') out.push(`  routing: ${b.route}`);
      if (b.route && lastHook === 'OUTPUT' && s.hook !== 'OUTPUT') out.push(`  routing: ${b.route}`);
      lastHook = s.hook;
      out.push(stepLine(s, lineWidth));
    }
    if (b.error) out.push(`  error: ${b.error}`);
    out.push(`  verdict ${b.verdict}; leaves as ${describeFinal(b.final)}`);
  });
  return out.join('\n');
}
