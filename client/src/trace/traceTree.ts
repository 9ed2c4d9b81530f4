/**
 * The Trace view's content as plain data: the packet, then one node per
 * branch (verdict, probability, assumptions, the packet after NAT) holding its
 * steps grouped by hook and then by table, in the order the packet met them.
 * No `vscode` import: the view turns these nodes into TreeItems one for one,
 * and tests (and the `iptables._traceState` command) read them as they are.
 */
import { stepRun, type TraceBranch, type TraceResult, type TraceVerdict } from '../../../server/src/protocol';
import { MARKERS, stepKind, stepNote, stepSentence } from './decorationText';

export type TraceNodeKind = 'packet' | 'field' | 'branch' | 'final' | 'route' | 'assumption' | 'error' | 'hook' | 'table' | 'step' | 'omitted';

export interface TraceNode {
  /** Stable across re-runs of the same trace, so the view keeps what was expanded. */
  id: string;
  kind: TraceNodeKind;
  label: string;
  description?: string;
  tooltip?: string;
  /** Index of the branch this node belongs to. */
  branch?: number;
  /** Index of the step in its branch (0-based; the label shows it 1-based). */
  step?: number;
  /** 0-based document line a step points at. */
  line?: number;
  /** True on the branch whose decorations the editor shows. */
  selected?: boolean;
  expanded?: boolean;
  children?: TraceNode[];
}

const VERDICT_MARKERS: Record<TraceVerdict, string> = {
  ACCEPT: '✓',
  DROP: '✗',
  REJECT: '✗',
  QUEUE: '⇥',
  NFQUEUE: '⇥',
  STOLEN: '⇥',
  ERROR: '⚠',
};

/** `p = 0.333`, `p = 1`: three decimals are enough to tell kube-proxy's endpoint shares apart. */
export function formatProbability(p: number): string {
  return `p = ${Number(p.toFixed(3))}`;
}

function first(p: Record<string, unknown>, names: string[]): unknown {
  for (const n of names) if (p[n] !== undefined && p[n] !== null && p[n] !== '') return p[n];
  return undefined;
}

function hostPort(address: unknown, port: unknown): string {
  let a = String(address);
  // The engine writes an address it cannot know in words ("address of eth1").
  if (/\s/.test(a)) a = `(${a})`;
  if (port === undefined) return a;
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}

/** Fields left out of a packet's line when they hold the value a new description starts with. */
const DEFAULTS: Record<string, unknown> = { family: undefined, fromLocal: false, state: 'NEW', mark: '0x0', ctmark: '0x0', flags: 'SYN' };
/** The description keyword of a packet field, where it differs from the field's name. */
const KEYWORDS: Record<string, string> = { fromLocal: 'from local', sets: 'set', icmpType: 'type' };

/**
 * One line for a packet the engine describes as an object, written the way a
 * person types it (`tcp 10.1.2.3:40000 -> 10.254.20.8:8080 in eth0 mark
 * 0x4000`): fields that still hold their starting value are left out.
 */
export function describePacket(packet: Record<string, unknown>): string {
  if (typeof packet.text === 'string') return packet.text;
  const used = new Set<string>();
  const take = (names: string[]): unknown => {
    for (const n of names) if (packet[n] !== undefined) used.add(n);
    return first(packet, names);
  };
  const proto = take(['protocol', 'proto']);
  const src = take(['src', 'source', 'saddr']);
  const sport = take(['sport', 'srcPort', 'sourcePort']);
  const dst = take(['dst', 'destination', 'daddr']);
  const dport = take(['dport', 'dstPort', 'destinationPort']);
  if (src === undefined || dst === undefined) {
    return Object.entries(packet).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
  }
  const words = [`${proto ?? ''} ${hostPort(src, sport)} -> ${hostPort(dst, dport)}`.trim()];
  for (const [k, v] of Object.entries(packet)) {
    if (used.has(k) || v === undefined || v === null || v === '' || v === false) continue;
    if (k in DEFAULTS && (DEFAULTS[k] === undefined || DEFAULTS[k] === v)) continue;
    if (k === 'icmpCode') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    const word = KEYWORDS[k] ?? k;
    if (v === true) words.push(word);
    else if (k === 'icmpType') words.push(`type ${v}${packet.icmpCode !== undefined && packet.icmpCode !== null ? `/${packet.icmpCode}` : ''}`);
    else words.push(`${word} ${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return words.join(' ');
}

function branchLabel(branch: TraceBranch, index: number): string {
  return `Branch ${index + 1}: ${VERDICT_MARKERS[branch.verdict] ?? '•'} ${branch.verdict}`;
}

function stepsOf(branch: TraceBranch, b: number): TraceNode[] {
  const hooks: TraceNode[] = [];
  let hook: TraceNode | undefined;
  let table: TraceNode | undefined;
  /** Rules each table evaluated, and whether some of them were collapsed into runs. */
  const evaluated = new Map<TraceNode, { rules: number; runs: boolean }>();
  branch.steps.forEach((step, s) => {
    if (!hook || hook.label !== step.hook) {
      hook = { id: `b${b}/h${hooks.length}`, kind: 'hook', label: step.hook, branch: b, expanded: true, children: [] };
      hooks.push(hook);
      table = undefined;
    }
    if (!table || table.label !== step.table) {
      table = { id: `${hook.id}/t${hook.children!.length}`, kind: 'table', label: step.table, branch: b, expanded: true, children: [] };
      hook.children!.push(table);
    }
    // A run of misses is one item: selecting it reveals its first line.
    const run = stepRun(step);
    const where = run ? `${step.chain} #${run.first}–#${run.last}`
      : step.rule !== null ? `${step.chain} #${step.rule}` : step.result === 'policy' ? `${step.chain} policy` : step.chain;
    if (step.rule !== null) {
      const e = evaluated.get(table) ?? { rules: 0, runs: false };
      e.rules += run ? run.count : 1;
      e.runs ||= !!run;
      evaluated.set(table, e);
    }
    const note = stepNote(step);
    const lines = run && run.lastLine !== null ? ` (lines ${step.line}–${run.lastLine})` : step.line ? ` (line ${step.line})` : '';
    table.children!.push({
      id: `${table.id}/s${s}`,
      kind: 'step',
      label: `${s + 1}${MARKERS[stepKind(step)]} ${where}`,
      description: run ? `no match · ${run.count} rules` : note || (step.result === 'no-match' ? 'no match' : undefined),
      tooltip: `${stepSentence(step, s + 1)}${lines}`,
      branch: b,
      step: s,
      line: step.line ? step.line - 1 : undefined,
    });
  });
  for (const h of hooks) {
    const tables = h.children!.map((t) => t.label);
    h.description = tables.join(' → ');
    for (const t of h.children!) {
      const n = t.children!.length;
      // With runs of misses the items no longer count the rules: say both.
      const e = evaluated.get(t);
      t.description = `${n} step${n === 1 ? '' : 's'}${e?.runs ? ` · ${e.rules} rules evaluated` : ''}`;
    }
  }
  return hooks;
}

/**
 * The tree for a trace result. `packetText` is what the user asked for;
 * `selected` is the branch the editor decorates.
 */
export function traceTree(result: TraceResult, packetText: string, selected: number): TraceNode[] {
  const fields = Object.entries(result.packet ?? {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v], i): TraceNode => ({ id: `packet/${i}`, kind: 'field', label: k, description: typeof v === 'object' ? JSON.stringify(v) : String(v) }));
  const roots: TraceNode[] = [{
    id: 'packet',
    kind: 'packet',
    label: packetText,
    description: `${result.branches.length} branch${result.branches.length === 1 ? '' : 'es'}`,
    tooltip: describePacket(result.packet ?? {}),
    expanded: false,
    children: fields,
  }];
  result.branches.forEach((branch, b) => {
    const children: TraceNode[] = [];
    children.push({ id: `b${b}/final`, kind: 'final', label: describePacket(branch.final ?? {}), description: 'final packet', branch: b });
    // The engine says where routing sent the packet (INPUT or FORWARD), beyond the declared protocol.
    const route = (branch as TraceBranch & { route?: unknown }).route;
    if (typeof route === 'string' && route) children.push({ id: `b${b}/route`, kind: 'route', label: route, description: 'routing decision', branch: b });
    branch.assumptions.forEach((a, i) => children.push({ id: `b${b}/a${i}`, kind: 'assumption', label: a, description: 'assumption', branch: b }));
    if (branch.error) children.push({ id: `b${b}/error`, kind: 'error', label: branch.error, description: 'error', branch: b });
    children.push(...stepsOf(branch, b));
    const isSelected = b === selected;
    const description = [formatProbability(branch.probability), ...(isSelected && result.branches.length > 1 ? ['shown in the editor'] : [])].join(' · ');
    roots.push({
      id: `b${b}`,
      kind: 'branch',
      label: branchLabel(branch, b),
      description,
      tooltip: [branchLabel(branch, b), formatProbability(branch.probability), ...branch.assumptions.map((a) => `assuming ${a.replace(/^assuming /, '')}`), branch.error ?? '']
        .filter(Boolean).join('\n'),
      branch: b,
      selected: isSelected,
      expanded: isSelected || result.branches.length <= 2,
      children,
    });
  });
  if (result.omittedBranches) {
    roots.push({ id: 'omitted', kind: 'omitted', label: `${result.omittedBranches} more branch${result.omittedBranches === 1 ? '' : 'es'} not shown` });
  }
  return roots;
}

/** The first node, depth first, that satisfies the test. */
export function findNode(nodes: TraceNode[], test: (node: TraceNode) => boolean): TraceNode | undefined {
  const stack = [...nodes].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (test(n)) return n;
    if (n.children) stack.push(...[...n.children].reverse());
  }
  return undefined;
}

/** The id of a node's parent (ids are paths from the root), for the view's reveal. */
export function parentId(id: string): string | undefined {
  const cut = id.lastIndexOf('/');
  return cut < 0 ? undefined : id.slice(0, cut);
}
