/**
 * Check results per rule, kept from one version of a document to the next so
 * that a one-line edit in a 100k-rule dump re-checks one rule.
 *
 * The key of a rule's result is exactly:
 * - the full text of the rule's line with its break (`-A CHAIN` and the
 *   target's name are in it), as TextLines.key gives it: the document's own
 *   string for the line where it keeps one, so an unchanged line compares
 *   by reference;
 * - its scope: format, family, table name, whether the dump names the table
 *   (see tableKnown), chain name and whether that chain is built in;
 * - the target's kind (`-j X` is a jump when X is a chain of the table and an
 *   extension otherwise, which the rest of the table decides);
 * - for a listing row, the columns its table's header gave it (the same
 *   words read in another layout are another rule).
 * Rule-local checks (see RuleCheck) read nothing else, and neither do the
 * rule's own argument problems nor the facts kept for the chain-level checks
 * (whether the rule matches every packet, ends the chain, what it requires of
 * a packet, which hook-restricted extensions it uses).
 *
 * Listing rows are memoised too (with their layout in the key): they have
 * no rule-local diagnostics, but whether a row ends its chain or matches
 * every packet means parsing its text.
 */
import type { Problem, TargetKind } from '../model/types';
import type { Conditions } from './shadowedRule';
import type { HookUse } from './targetWrongChain';

/** The scope part of a memo key (see RuleScope), detached from the text. */
export interface ScopeKey {
  format: string;
  family: string;
  table: string;
  tableKnown: boolean;
  chain: string;
  builtin: boolean;
}

/** Whether a kept scope is the scope of the rules being checked. */
export function sameScope(k: ScopeKey, s: ScopeKey): boolean {
  return k.chain === s.chain && k.table === s.table && k.builtin === s.builtin && k.tableKnown === s.tableKnown && k.family === s.family && k.format === s.format;
}

/** A scope to keep in results: its strings copied out of the text. */
export function scopeKey(s: ScopeKey): ScopeKey {
  return { format: s.format, family: s.family, table: detach(s.table), tableKnown: s.tableKnown, chain: detach(s.chain), builtin: s.builtin };
}

/**
 * What is known about one rule, valid wherever its key matches. Nothing in it
 * refers to a document's text. Its scope is kept beside it (CheckMemo.scopes).
 */
export interface RuleResult {
  kind: TargetKind | null;
  /** A listing row's columns (LAYOUT_… bits), which say how its text reads; -1 for save rules. */
  layout: number;
  /** Rule-local problems (checks' and the rule's own) with spans on line 0, in the order found; null when they could not be kept. */
  problems: Problem[] | null;
  /** The rank (place in CHECKS, or the parser's) of each problem. */
  ranks: number[];
  /** Ends the chain and has only comments (or nothing) before the target. */
  everything: boolean;
  /** A packet it matches never reaches the next rule. */
  ends: boolean;
  /** What it requires of a packet (undefined until a chain-level check needed it). */
  cond: Conditions | null | undefined;
  /** Hook-restricted extensions used in a user chain. */
  hooked: HookUse[] | null;
  /**
   * Whether this object stands for many rules: a result with no problems, no
   * hooked uses and no conditions yet is the same for every rule it fits,
   * so one object serves them all (see sharedResult). A rule whose
   * conditions are read gets a copy of its own first.
   */
  shared: boolean;
}

/** Shared results (see RuleResult.shared) by target kind, then at sharedSlot of the other facts. */
export type ResultPool = Map<TargetKind | null, RuleResult[]>;

/** Where the facts other than the kind sit in a pool's array: the layout (-1 for save rules, else LAYOUT_… bits) and two flags. */
function sharedSlot(layout: number, everything: boolean, ends: boolean): number {
  return (layout + 1) * 4 + (everything ? 2 : 0) + (ends ? 1 : 0);
}

/** The one shared result for these facts (see RuleResult.shared), from `pool`. Asked once per rule while the memo fills: no key is built. */
export function sharedResult(pool: ResultPool, kind: TargetKind | null, layout: number, everything: boolean, ends: boolean): RuleResult {
  let byFacts = pool.get(kind);
  if (!byFacts) pool.set(kind, (byFacts = []));
  const slot = sharedSlot(layout, everything, ends);
  return (byFacts[slot] ??= { kind, layout, problems: NO_PROBLEMS, ranks: NO_RANKS, everything, ends, cond: undefined, hooked: null, shared: true });
}

/** A result with nothing found (see RuleResult.problems and ranks): one array, never written. */
export const NO_PROBLEMS: Problem[] = [];
export const NO_RANKS: number[] = [];

/**
 * The memo of one document, handed from each version's runChecks to the next
 * (`runChecks(analysis, settings, memo)`). It holds the results of the rules
 * of the version checked last, in walk order, and each rule's line key (the
 * document's line string, or a slice of that version's text). It never grows
 * beyond two entries per rule: its spare arrays keep the version before's
 * results, the same objects except for the rules that changed, until the
 * next run overwrites them; their line keys are emptied, so no older text is
 * kept. Rules are matched with the previous version in walk order, allowing
 * a few rules inserted or deleted, and a result is reused only when its
 * whole key is equal.
 */
export class CheckMemo {
  /** The rules' line keys (see TextLines.key), in walk order (tables, chains, rules). */
  texts: string[] = [];
  /** Each rule's scope, one object for all the rules of a chain. */
  scopes: ScopeKey[] = [];
  results: RuleResult[] = [];
  /**
   * The arrays of the version checked before the last, which the next run
   * overwrites in place and cuts to its length. Arrays of 100k entries made
   * anew by push on every edit grew by copying into new memory, a fifth of
   * the time of a one-line edit's checks; these keep their storage. After the
   * run that filled the memo they are copies of its arrays; after any other,
   * the previous arrays with their keys emptied.
   */
  spare: { texts: string[]; scopes: ScopeKey[]; results: RuleResult[] } = { texts: [], scopes: [], results: [] };
  /**
   * Counts the walks that used this memo: a walk paused between slices
   * (walkRulesInSlices) gives up when another began meanwhile, since that
   * one has taken the spare arrays it was writing into.
   */
  turn = 0;
  /** Rules whose result the last run reused, and rules it checked. */
  hits = 0;
  misses = 0;

  /** Number of rules remembered. */
  get size(): number {
    return this.results.length;
  }
}

/**
 * A copy of a string that shares no memory with the document it was cut
 * from: V8 keeps slices as views into their parent, and a result kept across
 * versions must not keep an old 16 MB text alive.
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}

/** A problem of the rule on `line`, moved to line 0 and detached from the text; null when it is not on that one line. */
export function relativeProblem(p: Problem, line: number): Problem | null {
  if (p.span.line !== line || p.span.endLine !== line) return null;
  const copy: Problem = { span: { line: 0, start: p.span.start, endLine: 0, end: p.span.end }, severity: p.severity, code: p.code, message: detach(p.message) };
  if (p.data !== undefined) {
    const data: Record<string, unknown> = {};
    for (const key of Object.keys(p.data)) {
      const v = p.data[key];
      data[key] = typeof v === 'string' ? detach(v) : v;
    }
    copy.data = data;
  }
  return copy;
}

/** A kept problem put back on the rule's current line. */
export function rebased(p: Problem, line: number): Problem {
  const copy: Problem = { span: { line, start: p.span.start, endLine: line, end: p.span.end }, severity: p.severity, code: p.code, message: p.message };
  if (p.data !== undefined) copy.data = p.data;
  return copy;
}

/** Conditions detached from the text (their words are cut from option values). */
export function detachedConditions(c: Conditions | null): Conditions | null {
  if (!c) return c;
  const words = (w: string[] | null) => (w ? w.map(detach) : null);
  return { ...c, protocol: words(c.protocol), inInterface: words(c.inInterface), outInterface: words(c.outInterface), state: words(c.state) };
}
