import { buildGraph, patchGraph } from './buildGraph';
import { parse } from './parse';
import { contains, ruleLine } from './span';
import type { Chain, ChainGraph, Match, Option, Rule, Ruleset, Table, TableGraph } from './types';

/** What a position in a dump points at, most specific first. */
export type Hit =
  | { kind: 'table'; table: Table }
  | { kind: 'chainDecl'; table: Table; chain: Chain }
  | { kind: 'policy'; table: Table; chain: Chain }
  | { kind: 'ruleChain'; table: Table; chain: Chain; rule: Rule }
  | { kind: 'target'; table: Table; chain: Chain; rule: Rule }
  | { kind: 'targetOption'; table: Table; chain: Chain; rule: Rule; option: Option }
  | { kind: 'match'; table: Table; chain: Chain; rule: Rule; match: Match }
  | { kind: 'option'; table: Table; chain: Chain; rule: Rule; match: Match; option: Option }
  | { kind: 'rule'; table: Table; chain: Chain; rule: Rule };

type LineEntry = { table: Table; chain: Chain; rule?: Rule };

/**
 * Which chain, and which of its rules, each line holds, as two flat arrays
 * rather than an object per line: a 100k-rule dump's index is then about
 * 2 MB, not 15 (and it reads each rule's line number, not its span).
 */
interface LineOwners {
  /** The chains with their tables, by the numbers `chainOn` holds. */
  chains: { table: Table; chain: Chain }[];
  /** Per line: the number of the chain declared or extended on it, -1 for none. */
  chainOn: Int32Array;
  /** Per line: the rule on it, if the line holds one. */
  ruleOn: (Rule | undefined)[];
}

/**
 * A document's lines one at a time, each without its `\n` (split at `\n`
 * only, as the parsers split): what checks read of the text besides the
 * model, such as a rule's own line.
 */
export interface TextLines {
  readonly count: number;
  line(n: number): string;
  /** The line's length without its `\n`. */
  length(n: number): number;
  /**
   * The line with its break as the text has it (none after the last line):
   * a string equal for two lines exactly when their texts and breaks are,
   * whoever made it (see CheckMemo). Where lines are kept as strings it is
   * the string kept, so an unchanged line is the same string from one
   * version to the next and compares by reference.
   */
  key(n: number): string;
}

/**
 * A parsed document: its model, its chain graph and an index from lines to the
 * rules and chain declarations on them. Built once per document version and
 * shared by every feature.
 */
export class Analysis {
  readonly graph: ChainGraph;
  private lineIndex: LineOwners | null = null;
  private tableStarts: Table[] | null = null;

  private textOrSource: string | (() => string);

  /**
   * `text` may be a function giving it: joining a large document's lines is
   * left until someone reads it, and `lines`, when given, are read instead
   * of the text wherever one line is enough.
   */
  constructor(readonly ruleset: Ruleset, text: string | (() => string), graph?: ChainGraph, readonly lines: TextLines | null = null) {
    this.textOrSource = text;
    this.graph = graph ?? buildGraph(ruleset);
  }

  /**
   * The analysis of the next version of a document whose ruleset replaced
   * rules in place (`Ruleset.patchLines`, with the pairs it reported): the
   * graph is patched when no edge changed, and the line index, if built, is
   * carried over. `prev` must not be used any more.
   */
  static patched(prev: Analysis, replaced: readonly [Rule, Rule][], text: string | (() => string), lines?: TextLines): Analysis {
    const next = new Analysis(prev.ruleset, text, patchGraph(prev.graph, replaced) ?? undefined, lines);
    next.tableStarts = prev.tableStarts;
    const index = prev.lineIndex;
    if (index) {
      // Same chains on the same lines: only the rules are new.
      const ruleOn = index.ruleOn.slice();
      for (const [, rule] of replaced) {
        const line = ruleLine(rule);
        if (ruleOn[line]) ruleOn[line] = rule;
      }
      next.lineIndex = { chains: index.chains, chainOn: index.chainOn, ruleOn };
    }
    return next;
  }

  /** The document's text. */
  get text(): string {
    if (typeof this.textOrSource !== 'string') this.textOrSource = this.textOrSource();
    return this.textOrSource;
  }

  static of(text: string, languageId?: string): Analysis {
    return new Analysis(parse(text, languageId), text);
  }

  graphOf(table: Table): TableGraph {
    return this.graph.byTable.get(table)!;
  }

  /** The rule or chain declaration on a line, if any. */
  entryAt(line: number): LineEntry | undefined {
    if (!this.lineIndex) {
      const count = this.ruleset.lineCount;
      const chains: LineOwners['chains'] = [];
      const chainOn = new Int32Array(count).fill(-1);
      const ruleOn: (Rule | undefined)[] = new Array(count);
      // Later entries win, as a line holds one thing (a chain's declaration, or a rule).
      const put = (at: number, c: number, rule: Rule | undefined) => {
        if (at < 0 || at >= count) return;
        chainOn[at] = c;
        ruleOn[at] = rule;
      };
      for (const table of this.ruleset.tables) {
        for (const chain of table.chains) {
          const c = chains.length;
          chains.push({ table, chain });
          if (chain.declSpan) put(chain.declSpan.line, c, undefined);
          for (const rule of chain.rules) put(ruleLine(rule), c, rule);
        }
      }
      this.lineIndex = { chains, chainOn, ruleOn };
    }
    const { chains, chainOn, ruleOn } = this.lineIndex;
    const c = line >= 0 && line < chainOn.length ? chainOn[line] : -1;
    if (c < 0) return undefined;
    const rule = ruleOn[line];
    return rule ? { table: chains[c].table, chain: chains[c].chain, rule } : { table: chains[c].table, chain: chains[c].chain };
  }

  /** The table block that encloses a line (the innermost when blocks nest, the last that started otherwise). */
  tableAt(line: number): Table | undefined {
    if (!this.tableStarts) this.tableStarts = [...this.ruleset.tables].sort((a, b) => a.span.line - b.span.line);
    let found: Table | undefined;
    for (const t of this.tableStarts) {
      if (t.span.line <= line && line <= t.span.endLine) found = t;
    }
    return found;
  }

  /** What the position points at; undefined on blank lines, comments and headers. */
  hitAt(line: number, character: number): Hit | undefined {
    const entry = this.entryAt(line);
    if (!entry) {
      const table = this.tableAt(line);
      if (table?.nameSpan && contains(table.nameSpan, line, character)) return { kind: 'table', table };
      return undefined;
    }
    const { table, chain, rule } = entry;
    if (!rule) {
      if (chain.nameSpan && contains(chain.nameSpan, line, character)) return { kind: 'chainDecl', table, chain };
      if (chain.policySpan && contains(chain.policySpan, line, character)) return { kind: 'policy', table, chain };
      return { kind: 'chainDecl', table, chain };
    }
    if (rule.chainNameSpan && contains(rule.chainNameSpan, line, character)) return { kind: 'ruleChain', table, chain, rule };
    const target = rule.target;
    if (target) {
      if (contains(target.nameSpan, line, character)) return { kind: 'target', table, chain, rule };
      for (const option of target.options) {
        if (contains(option.span, line, character)) return { kind: 'targetOption', table, chain, rule, option };
      }
    }
    for (const match of rule.matches) {
      if (!contains(match.span, line, character)) continue;
      for (const option of match.options) {
        if (contains(option.span, line, character)) return { kind: 'option', table, chain, rule, match, option };
      }
      return { kind: 'match', table, chain, rule, match };
    }
    return { kind: 'rule', table, chain, rule };
  }
}
