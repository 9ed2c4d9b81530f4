/**
 * One pass over every rule of a document for all the checks that read rules:
 * each rule's options are resolved once and handed to every rule-local
 * check, the facts the chain-level checks need are taken on the way, the
 * rule's parse is released afterwards, and with a memo a rule whose key is
 * unchanged since the previous version is not read at all.
 */
import type { Analysis, TextLines } from '../model/analysis';
import type { Problem, Rule, TableGraph } from '../model/types';
import { resolveOptions, type ResolvedOption } from './extensions';
import {
  CheckMemo, detach, detachedConditions, NO_PROBLEMS, NO_RANKS, rebased, relativeProblem, sameScope, scopeKey as keptScope, sharedResult,
  type ResultPool, type RuleResult, type ScopeKey,
} from './memo';
import { LineIndex, ruleLayout, ruleLine, scopeOf } from './rules';
import { SaveRule } from '../model/saveRule';
import { TARGET_KINDS, targetKindCode } from '../model/targetNames';
import { targetKindOf } from '../model/targetView';
import { ShapeReader } from './shape';
import { conditionsOf, ShadowScan, type Conditions } from './shadowedRule';
import { hookUses, reachedFromWrongHook, type HookUse } from './targetWrongChain';
import { forgetRestricted } from './restricted';
import type { RuleCheck, RuleScope } from './types';
import { endsChain, matchesEverything } from './unconditional';
import { unreachableRule } from './unreachableRule';

/** Problems with the rank of what found them (a place in CHECKS, or the parser's), so the order among problems at one position never depends on how they were found. */
export class Found {
  readonly problems: Problem[] = [];
  readonly ranks: number[] = [];
  /** Ranks of checks that threw: their findings are left out entirely, as when each check ran alone. */
  readonly failed = new Failed();

  add(p: Problem, rank: number): void {
    this.problems.push(p);
    this.ranks.push(rank);
  }
}

/** A set of small ranks, asked about for every rule and check. */
export class Failed {
  private readonly flags = new Uint8Array(64);
  has(rank: number): boolean {
    return this.flags[rank] === 1;
  }
  add(rank: number): this {
    this.flags[rank] = 1;
    return this;
  }
}

export interface RuleCheckEntry {
  check: RuleCheck;
  rank: number;
  /** Whether it reads the resolved options (so it fails with them). */
  usesOptions: boolean;
}

export interface WalkRanks {
  checks: readonly RuleCheckEntry[];
  unreachable: number;
  shadowed: number;
  targetWrongChain: number;
  parse: number;
}

/** How far ahead and back the previous version's rules are searched for a rule whose position moved. */
const REALIGN = 8;

/**
 * What the walk keeps of a shape whose first rule had no rule-local problem
 * (see shape.ts): the facts the chain-level checks need, the same for every
 * rule of the shape. A hook-restricted target is kept by its hooks and label;
 * each rule gives its own columns.
 */
interface ShapeFacts {
  ends: boolean;
  everything: boolean;
  targetHooks: readonly string[] | null;
  targetLabel: string;
}

const NO_OPTIONS: readonly ResolvedOption[] = [];

/**
 * Walks every rule. `ownProblems` says whether rules' own argument problems
 * are reported here (false when the caller takes them from the ruleset).
 * It pauses (yields) after every `sliceRules` rules, so that the server can
 * answer requests while it fills a document's memo when idle (Infinity: it
 * never pauses). Returns false, having kept nothing, when another walk used
 * the memo while it was paused (see CheckMemo.turn): that walk's results
 * stand.
 */
export function* walkRulesInSlices(
  analysis: Analysis, lines: TextLines | null, found: Found, ranks: WalkRanks, memo: CheckMemo | undefined, ownProblems: boolean, sliceRules: number,
): Generator<void, boolean> {
  const turn = memo ? ++memo.turn : 0;
  let sinceSlice = 0;
  const ruleset = analysis.ruleset;
  const save = ruleset.format === 'save';
  const useMemo = memo !== undefined && lines !== null;
  const prevTexts = useMemo ? memo.texts : [];
  const prevScopes = useMemo ? memo.scopes : [];
  const prevResults = useMemo ? memo.results : [];
  // This run's entries go into the arrays of the version before the previous one, written by index (see CheckMemo.spare).
  const texts: string[] = useMemo ? memo.spare.texts : [];
  const scopes: ScopeKey[] = useMemo ? memo.spare.scopes : [];
  const results: RuleResult[] = useMemo ? memo.spare.results : [];
  /** How many entries this run has written. */
  let count = 0;
  // The shared results of this run (see RuleResult.shared), by their facts.
  const pool: ResultPool = new Map();
  const textLines = lines ?? new LineIndex('');
  const lineText = (n: number) => textLines.line(n);
  const out: Problem[] = [];
  const outRanks: number[] = [];
  const reportShadowed = (p: Problem) => found.add(p, ranks.shadowed);
  let delta = 0;
  let hits = 0;
  let misses = 0;

  /** Whether the previous version's rule `j` has this key. */
  const same = (j: number, text: string, scope: ScopeKey, kind: RuleResult['kind'], layout: number): boolean => {
    if (j < 0 || j >= prevTexts.length) return false;
    const r = prevResults[j];
    const kept = prevScopes[j];
    return r.kind === kind && r.layout === layout && prevTexts[j] === text && r.problems !== null && (kept === scope || sameScope(kept, scope));
  };

  // Without a memo one result object serves every rule in turn.
  const scratch: RuleResult = { kind: null, layout: -1, problems: null, ranks: NO_RANKS, everything: false, ends: false, cond: undefined, hooked: null, shared: false };

  /**
   * Shapes of save rules that were read and found clean, per scope: rules of
   * a known shape are not parsed (see shape.ts). Keyed by table, whether the
   * table is known and, for a built-in chain, its name: the rest of the scope
   * is the document's. Within a scope, by the target's kind (its place in
   * TARGET_KINDS, then one for none) and the shape: a shape, one string made
   * of pieces, is copied whole once to be hashed, not again inside a key
   * that also names the kind.
   */
  const shapes = new Map<string, Map<string, ShapeFacts>[]>();
  const shapeReader = new ShapeReader();
  const shapesOf = (scope: RuleScope): Map<string, ShapeFacts>[] => {
    const tag = `${scope.table}\u0000${scope.tableKnown}\u0000${scope.builtin ? scope.chain : ''}`;
    let found = shapes.get(tag);
    if (!found) shapes.set(tag, (found = []));
    return found;
  };
  /** Whether the rule analyse read last had no rule-local problem and no check failed on it. */
  let clean = false;

  /** What a shape keeps of its first rule's result, if it can: a hook-restricted match is where the rule puts it, so it is not kept. */
  const shapeFacts = (rule: SaveRule, result: RuleResult): ShapeFacts | null => {
    const uses = result.hooked;
    if (!uses) return { ends: result.ends, everything: result.everything, targetHooks: null, targetLabel: '' };
    const use = uses[0];
    if (uses.length !== 1 || use.start !== rule.targetNameStart || use.end !== rule.targetNameEnd) return null;
    return { ends: result.ends, everything: result.everything, targetHooks: use.hooks, targetLabel: detach(use.label) };
  };

  /** The result of a rule of a known shape: nothing found, the shape's facts. */
  const ofShape = (facts: ShapeFacts, rule: SaveRule, kind: RuleResult['kind']): RuleResult => {
    const hooked = facts.targetHooks ? [{ hooks: facts.targetHooks, label: facts.targetLabel, start: rule.targetNameStart, end: rule.targetNameEnd }] : null;
    if (!useMemo) {
      scratch.kind = kind;
      scratch.everything = facts.everything;
      scratch.ends = facts.ends;
      scratch.cond = undefined;
      scratch.hooked = hooked;
      return scratch;
    }
    if (!hooked) return sharedResult(pool, kind, -1, facts.everything, facts.ends);
    return { kind, layout: -1, problems: NO_PROBLEMS, ranks: NO_RANKS, everything: facts.everything, ends: facts.ends, cond: undefined, hooked, shared: false };
  };

  /** Reads a rule: every rule-local check, its own problems and the facts (a shared object unless the memo keeps it). */
  const analyse = (rule: Rule, scope: RuleScope, line: number): RuleResult => {
    if (out.length) out.length = 0;
    if (outRanks.length) outRanks.length = 0;
    let keep = true;
    let options: readonly ResolvedOption[] = NO_OPTIONS;
    let optionsFailed = false;
    if (save) {
      try {
        options = resolveOptions(rule, scope.family);
      } catch {
        optionsFailed = true;
      }
      for (const entry of ranks.checks) {
        // A result missing a check's findings must not be kept for a later version where the check works.
        if (found.failed.has(entry.rank)) {
          keep = false;
          continue;
        }
        if (entry.usesOptions && optionsFailed) {
          found.failed.add(entry.rank);
          keep = false;
          continue;
        }
        const before = out.length;
        try {
          entry.check(rule, options, scope, out);
        } catch {
          out.length = before;
          found.failed.add(entry.rank);
          keep = false;
        }
        for (let i = before; i < out.length; i++) outRanks.push(entry.rank);
      }
      for (const p of rule.ownProblems()) {
        out.push(p);
        outRanks.push(ranks.parse);
      }
    }
    let everything = false;
    let ends = false;
    let hookedUses: HookUse[] | null = null;
    try {
      ends = endsChain(rule);
      // Only a rule that ends the chain can make the rest unreachable; a listing row is parsed only then.
      everything = ends && matchesEverything(rule);
    } catch {
      found.failed.add(ranks.unreachable);
      found.failed.add(ranks.shadowed);
      keep = false;
    }
    try {
      hookedUses = hookUses(rule, scope);
    } catch {
      found.failed.add(ranks.targetWrongChain);
      keep = false;
    }
    let problems: Problem[] | null = null;
    if (useMemo && keep && !out.length) problems = NO_PROBLEMS;
    else if (useMemo && keep) {
      problems = [];
      for (const p of out) {
        const rel = relativeProblem(p, line);
        if (!rel) {
          problems = null;
          break;
        }
        problems.push(rel);
      }
    }
    for (let i = 0; i < out.length; i++) {
      if (outRanks[i] !== ranks.parse || ownProblems) found.add(out[i], outRanks[i]);
    }
    clean = save && keep && !out.length;
    const kind = targetKindOf(rule);
    if (!useMemo) {
      scratch.kind = kind;
      scratch.everything = everything;
      scratch.ends = ends;
      scratch.cond = undefined;
      scratch.hooked = hookedUses;
      return scratch;
    }
    if (problems === NO_PROBLEMS && !hookedUses) return sharedResult(pool, kind, ruleLayout(rule), everything, ends);
    return {
      kind, layout: ruleLayout(rule), problems, ranks: problems && problems.length ? outRanks.slice() : NO_RANKS,
      everything, ends, cond: undefined,
      hooked: hookedUses ? hookedUses.map((u) => ({ ...u, label: detach(u.label) })) : null, shared: false,
    };
  };

  /** What the rule requires of a packet, read (and kept) the first time a chain-level check asks. */
  const conditions = (result: RuleResult, rule: Rule): Conditions | null => {
    if (result.cond === undefined) result.cond = useMemo ? detachedConditions(conditionsOf(rule)) : conditionsOf(rule);
    return result.cond;
  };

  try {
    // Indexed loops: in a generator the iterators of for-of were made for every chain and rule (8 MB on a 10k-Service dump).
    for (let t = 0; t < ruleset.tables.length; t++) {
      const table = ruleset.tables[t];
      let graph: TableGraph | null = null;
      for (let c = 0; c < table.chains.length; c++) {
        const chain = table.chains[c];
        if (!chain.rules.length) continue;
        const scope = scopeOf(ruleset, table, chain, textLines, lineText);
        // The scope kept in this chain's results: a previous version's when a rule matches, else a copy made once.
        let kept: ScopeKey | null = null;
        // The shapes of this chain's scope, looked up at its first rule the memo does not have.
        let chainShapes: Map<string, ShapeFacts>[] | null = null;
        let shadow: ShadowScan | null = null;
        let shadowFailed = false;
        let blocker: Rule | null = null;
        const rules = chain.rules;
        const last = rules[rules.length - 1];
        for (let r = 0; r < rules.length; r++) {
          const rule = rules[r];
          const line = ruleLine(rule);
          let result: RuleResult | undefined;
          let text = '';
          if (useMemo) {
            text = lines!.key(line);
            const kind = targetKindOf(rule);
            const layout = ruleLayout(rule);
            const k = count;
            const key = kept ?? scope;
            if (same(k + delta, text, key, kind, layout)) result = prevResults[k + delta];
            else {
              for (let w = 1; w <= REALIGN && !result; w++) {
                if (same(k + delta + w, text, key, kind, layout)) result = prevResults[k + (delta += w)];
                else if (same(k + delta - w, text, key, kind, layout)) result = prevResults[k + (delta -= w)];
              }
            }
            if (result) {
              kept ??= prevScopes[k + delta];
              hits++;
              const problems = result.problems!;
              for (let i = 0; i < problems.length; i++) {
                const rank = result.ranks[i];
                if (found.failed.has(rank) || (rank === ranks.parse && !ownProblems)) continue;
                found.add(rebased(problems[i], line), rank);
              }
            }
          }
          if (!result) {
            misses++;
            if (save && !chainShapes) chainShapes = shapesOf(scope);
            const saveRule = chainShapes && rule instanceof SaveRule ? rule : null;
            const kind = saveRule ? targetKindOf(saveRule) : null;
            const shape = saveRule ? shapeReader.shapeOf(saveRule) : null;
            const ofKind = shape === null ? null : (chainShapes![kind === null ? TARGET_KINDS.length : targetKindCode(kind)] ??= new Map());
            const facts = ofKind === null ? undefined : ofKind.get(shape!);
            if (useMemo) kept ??= keptScope(scope);
            if (facts !== undefined) result = ofShape(facts, saveRule!, kind);
            else {
              result = analyse(rule, scope, line);
              const learned = ofKind !== null && clean ? shapeFacts(saveRule!, result) : null;
              if (learned) ofKind!.set(shape!, learned);
            }
          }
          if (useMemo) {
            texts[count] = text;
            scopes[count] = kept!;
            results[count] = result;
            count++;
          }
          if (!blocker && result.everything && result.ends) blocker = rule;
          // A chain's last rule can shadow nothing: its conditions are needed only when an earlier rule may shadow it.
          if (!shadowFailed && ((result.ends && rule !== last) || shadow?.waiting) && !shadow?.done) {
            try {
              // Conditions are the rule's own: a shared result is copied for it first.
              if (result.shared) results[count - 1] = result = { ...result, shared: false };
              (shadow ??= new ShadowScan()).visit(rule, result.ends, conditions(result, rule), reportShadowed);
            } catch {
              found.failed.add(ranks.shadowed);
              shadowFailed = true;
            }
          }
          if (result.hooked && !found.failed.has(ranks.targetWrongChain)) {
            // The graph part of target-wrong-chain: is this user chain reached from a hook the extension does not allow?
            try {
              graph ??= analysis.graphOf(table);
              if (out.length) out.length = 0;
              reachedFromWrongHook(chain, rule, result.hooked, graph, out);
              for (let i = 0; i < out.length; i++) found.add(out[i], ranks.targetWrongChain);
            } catch {
              found.failed.add(ranks.targetWrongChain);
            }
          }
          rule.release();
          if (++sinceSlice >= sliceRules) {
            sinceSlice = 0;
            yield;
            if (memo && memo.turn !== turn) return false;
          }
        }
        if (blocker) for (const r of chain.rules.slice(blocker.index)) found.add(unreachableRule(r, blocker), ranks.unreachable);
      }
    }
  } finally {
    // Also when it gives up or is ended in a pause: the last rule asked about holds its document's text.
    forgetRestricted();
  }
  if (memo && !useMemo) {
    // Without the lines nothing is memoised: let go of the previous version's rules and text.
    memo.texts = [];
    memo.scopes = [];
    memo.results = [];
    memo.spare = { texts: [], scopes: [], results: [] };
  }
  if (useMemo) {
    texts.length = scopes.length = results.length = count;
    // After the run that filled the memo (when the document went idle), the first edit's run gets arrays of full size too.
    memo.spare = prevResults.length
      ? { texts: prevTexts, scopes: prevScopes, results: prevResults }
      : { texts: texts.slice(), scopes: scopes.slice(), results: results.slice() };
    // Keys cut from an older version's whole text would keep that text alive (16 MB on a 10k-Service dump).
    if (prevResults.length) prevTexts.fill('');
    memo.texts = texts;
    memo.scopes = scopes;
    memo.results = results;
    memo.hits = hits;
    memo.misses = misses;
  }
  return true;
}
