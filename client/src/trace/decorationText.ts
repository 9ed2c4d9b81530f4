/**
 * What the editor draws on each line a traced branch evaluated: a step number
 * with a ✓ ✗ ? marker before the rule, and a short note after it. Plain data
 * from a TraceBranch, with no `vscode` import, so node tests can check it; the
 * decoration layer only turns these into ranges and theme colours.
 */
import { stepRun, type TraceBranch, type TraceStep } from '../../../server/src/protocol';

/** How a line looks: each kind has its own theme colour and text marker. */
export type StepKind = 'match' | 'noMatch' | 'maybe' | 'policy' | 'info';

export interface LineDecoration {
  /** 0-based line in the document. */
  line: number;
  kind: StepKind;
  /** Text before the rule: `3✓`, or `3✗ 9✓` when the line was evaluated twice. */
  before: string;
  /** Text after the rule: what happened (`→ KUBE-SVC-…`, `DNAT → 10.254.20.8:8080`, `policy ACCEPT`); may be empty. */
  after: string;
  /** A sentence per step, for the hover. */
  hover: string;
  /** The 1-based step numbers on this line. */
  steps: number[];
}

/** The marker that says the result in text, so nothing depends on colour alone. */
export const MARKERS: Record<StepKind, string> = {
  match: '✓',
  noMatch: '✗',
  maybe: '?',
  policy: '⚑',
  info: '·',
};

/** Which colour and marker a step gets: any step that rests on an assumption is a maybe, whichever way the branch took it. */
export function stepKind(step: TraceStep): StepKind {
  if (step.assumption && (step.result === 'match' || step.result === 'no-match' || step.result === 'maybe-match')) return 'maybe';
  switch (step.result) {
    case 'match': return 'match';
    case 'no-match': return 'noMatch';
    case 'maybe-match': return 'maybe';
    case 'policy': return 'policy';
    default: return 'info';
  }
}

/** When one line carries several steps, the strongest result colours it. */
const STRENGTH: Record<StepKind, number> = { noMatch: 0, info: 1, policy: 2, maybe: 3, match: 4 };

/**
 * The short note after a rule: the assumption a branch made, then the
 * engine's own note when it gave one, otherwise what the action did. A rule
 * that did not match says nothing of its action, so the eye goes to the path
 * the packet took (the engine's note, such as `p = 0.5 not picked`, stays).
 */
export function stepNote(step: TraceStep): string {
  const parts: string[] = [];
  if (step.assumption) parts.push(step.assumption);
  if (step.result === 'no-match') {
    if (step.note) parts.push(step.note);
    return parts.join(' · ');
  }
  if (step.note) parts.push(step.note);
  else {
    const action = actionNote(step);
    if (action) parts.push(action);
  }
  return parts.join(' · ');
}

function actionNote(step: TraceStep): string {
  const action = step.action ?? '';
  if (step.result === 'policy') return `policy ${action}`;
  if (step.result === 'return') return '↩ back to the caller';
  if (step.result === 'skipped') return 'skipped';
  if (action.startsWith('JUMP:')) return `→ ${action.slice(5)}`;
  if (action.startsWith('GOTO:')) return `⇒ ${action.slice(5)} (goto)`;
  if (action === 'RETURN') return '↩ RETURN';
  if (action === 'CONTINUE' || action === '') return step.rewrite ? rewriteNote(step.rewrite) : '';
  return step.rewrite ? `${action} ${rewriteNote(step.rewrite)}` : action;
}

function rewriteNote(rewrite: Record<string, string | number>): string {
  return Object.entries(rewrite).map(([k, v]) => `${k} = ${v}`).join(', ');
}

const RESULT_WORDS: Record<TraceStep['result'], string> = {
  match: 'matched',
  'no-match': 'did not match',
  'maybe-match': 'may match',
  policy: 'fell through to the policy',
  return: 'returned',
  skipped: 'skipped',
};

/** One sentence for the hover: where the step is and what happened (`rules 1–9815 did not match` for a run). */
export function stepSentence(step: TraceStep, number: number): string {
  const run = stepRun(step);
  if (run) return `Step ${number} ${MARKERS[stepKind(step)]} ${step.hook} · ${step.table} ${step.chain}: rules ${run.first}–${run.last} did not match`;
  const where = `${step.hook} · ${step.table} ${step.chain}${step.rule !== null ? ` rule ${step.rule}` : ''}`;
  const note = stepNote(step);
  return `Step ${number} ${MARKERS[stepKind(step)]} ${where}: ${RESULT_WORDS[step.result] ?? step.result}${note ? ` — ${note}` : ''}`;
}

/**
 * The decorations of one branch, one per line, in line order. Steps without
 * a line (a chain never declared, a skipped table) appear only in the tree.
 * A run of misses marks each of its lines with the run's step number.
 */
export function lineDecorations(branch: TraceBranch): LineDecoration[] {
  const byLine = new Map<number, { step: TraceStep; number: number }[]>();
  branch.steps.forEach((step, i) => {
    if (step.line === null || step.line === undefined || step.line < 1) return;
    const last = stepRun(step)?.lastLine ?? step.line;
    for (let line = step.line - 1; line < last; line++) {
      const list = byLine.get(line);
      if (list) list.push({ step, number: i + 1 });
      else byLine.set(line, [{ step, number: i + 1 }]);
    }
  });
  // The lines of a run share one sentence.
  const sentences = new Map<number, string>();
  const sentence = (e: { step: TraceStep; number: number }) => {
    let text = sentences.get(e.number);
    if (text === undefined) sentences.set(e.number, text = stepSentence(e.step, e.number));
    return text;
  };
  const out: LineDecoration[] = [];
  for (const [line, entries] of [...byLine].sort((a, b) => a[0] - b[0])) {
    let kind = stepKind(entries[0].step);
    for (const e of entries) {
      const k = stepKind(e.step);
      if (STRENGTH[k] > STRENGTH[kind]) kind = k;
    }
    const before = entries.map((e) => `${e.number}${MARKERS[stepKind(e.step)]}`).join(' ');
    const notes = entries.map((e) => ({ number: e.number, note: stepNote(e.step) })).filter((e) => e.note);
    const after = entries.length === 1 || notes.length === 0
      ? notes.map((e) => e.note).join('')
      : notes.map((e) => `${e.number}: ${e.note}`).join(' · ');
    out.push({
      line,
      kind,
      before,
      after,
      hover: entries.map(sentence).join('\n\n'),
      steps: entries.map((e) => e.number),
    });
  }
  return out;
}
