/**
 * The one model every dump form becomes: tables → chains → rules → matches and
 * targets, each with the source spans a user can point at. Plain data only; no
 * editor types, no I/O. Lines and characters are 0-based here; the CLI and the
 * JSON output add one.
 */
import { keyed } from './keyed';

/** A source range. `line`/`start` is the first character, `endLine`/`end` is one past the last. */
export interface Span {
  line: number;
  start: number;
  endLine: number;
  end: number;
}

export type Family = 'ipv4' | 'ipv6';
export type Format = 'save' | 'listing';
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Something wrong or noteworthy found while parsing or checking, with a stable code. */
export interface Problem {
  span: Span;
  severity: Severity;
  code: string;
  message: string;
  /** Extra data for quick fixes (e.g. the suggested chain name). */
  data?: Record<string, unknown>;
}

export interface Counters {
  packets: number;
  bytes: number;
  /** True when the listing printed rounded K/M/G/T figures. */
  approximate?: boolean;
}

/** What a target does to the packet, as far as the chain graph is concerned. */
export type TargetKind = 'accept' | 'drop' | 'reject' | 'return' | 'queue' | 'jump' | 'goto' | 'extension' | 'none';

/** One `--option value` of a match or target (name without dashes, e.g. `dport`). */
export interface Option {
  name: string;
  /** The value as written (several words joined by one space); null for a flag. */
  value: string | null;
  /** The value words one by one (empty for a flag), e.g. `--match-set NAME src` → [NAME, src]. */
  values: string[];
  negated: boolean;
  span: Span;
  nameSpan: Span;
  valueSpan: Span | null;
}

/**
 * A match: an explicit `-m module`, or an implicit one. Generic options become
 * matches of their own with these module names: `source` (-s), `destination`
 * (-d), `in-interface` (-i), `out-interface` (-o), `protocol` (-p),
 * `fragment` (-f). `-p tcp --dport 80` without `-m tcp` gives an implicit
 * `tcp` match.
 */
export interface Match {
  module: string;
  implicit: boolean;
  /** Negation of the whole match (`! -s …`, `! -p tcp`, `! -f`); options carry their own. */
  negated: boolean;
  options: Option[];
  span: Span;
  /** The module name as written (after `-m`), or null for implicit/generic matches. */
  moduleSpan: Span | null;
  /** Source text of the match. */
  text: string;
}

export interface Target {
  /** As written: ACCEPT, DNAT, a chain name… */
  name: string;
  kind: TargetKind;
  /** Set for `-g`: the rule goes to the chain instead of jumping. */
  goto: boolean;
  options: Option[];
  span: Span;
  nameSpan: Span;
  /** The chain of its table this target names, settled when the table is read to its end; null when it names none. */
  chain?: Chain | null;
}

export interface Rule {
  /** 1-based position within its chain after all -A/-I lines are applied. */
  index: number;
  table: string;
  chain: string;
  /** The whole line (or listing row). */
  span: Span;
  /** The chain name after -A/-I (null in listings, where rows sit under a header). */
  chainNameSpan: Span | null;
  /** How the rule was written. */
  command: 'append' | 'insert' | 'row';
  matches: Match[];
  /**
   * Listing only: the matches of the row's columns (-s, -d, -i, -o, -p, -f),
   * read without parsing the text after them; each is also in `matches`. A
   * packet one of them refuses, the rule refuses.
   */
  columnMatches?(): Match[];
  target: Target | null;
  counters: Counters | null;
  comments: string[];
  /** Listing only: the `num` column when --line-numbers was used. */
  lineNumber?: number;
  /**
   * Problems in the rule's own arguments (an option without its value, two
   * targets…), all on the rule's line; reading them parses the rule. Listing
   * rows have none.
   */
  ownProblems(): Problem[];
  /**
   * Forgets the parsed matches and target options, which are parsed again on
   * next use: diagnostics read every rule once, and keeping 100k parsed rules
   * would cost hundreds of MB that hover and navigation never need.
   */
  release(): void;
}

export interface Chain {
  name: string;
  table: string;
  builtin: boolean;
  /**
   * ACCEPT/DROP/… for built-in chains; null for user chains (`-`), and for a
   * built-in chain whose policy the dump leaves as it is (`:INPUT - [0:0]` or
   * no declaration), which in a fresh table means ACCEPT.
   */
  policy: string | null;
  policySpan: Span | null;
  counters: Counters | null;
  /** The `:NAME POLICY [p:b]`, `-N NAME`, `-P NAME POLICY` or `Chain NAME (…)` line; null when never declared. */
  declSpan: Span | null;
  nameSpan: Span | null;
  /** Listing only: the `(N references)` figure as printed. */
  listedReferences?: number;
  /** From the declaration through its last rule (listings), or the declaration line (save). */
  span: Span;
  rules: Rule[];
  /** Position in its table's `chains`: kept by the parser as it adds chains, set again when the chain graph is built. */
  index: number;
}

export interface Table {
  name: string;
  /** The `*name` line, or the listing line that named the table; null when inferred. */
  nameSpan: Span | null;
  /** From `*name` through `COMMIT`, or the listing block(s). */
  span: Span;
  chains: Chain[];
  /** Fast lookup by chain name. */
  chainsByName: Map<string, Chain>;
  /** The COMMIT line (save format); null when missing or a listing. */
  commitSpan: Span | null;
  /** Listing only: how the table name was found. */
  tableSource?: 'command' | 'builtin-chains' | 'default';
}

export interface Ruleset {
  family: Family;
  format: Format;
  tables: Table[];
  /** Every problem, sorted by position; reading it parses every rule's arguments. */
  problems: Problem[];
  /** The problems found while reading lines, without those in rules' own arguments (see Rule.ownProblems). */
  lineProblems: Problem[];
  /** Whether a -F or -X took rules already read out of every chain: their own problems are then only in `problems`. */
  rulesDropped: boolean;
  /** Number of lines in the source text. */
  lineCount: number;
  /**
   * Re-reads edited lines in place (line number → new text, the line count
   * unchanged) when every one was and stays a plain `-A` rule of the same
   * chain, so the model keeps its shape; returns false, changing nothing, when
   * the text must be parsed again. The model is changed in place: whoever
   * holds it for the old text must not use it any more. `replaced`, when
   * given, gets each rule taken out and the rule now in its place.
   */
  patchLines?(lines: ReadonlyMap<number, string>, replaced?: [Rule, Rule][]): boolean;
}

/** Read-only lookup by chain name. */
export interface ByName<V> {
  get(chain: string): V | undefined;
  has(chain: string): boolean;
}

/** The chain graph of one table: an edge per `-j CHAIN` / `-g CHAIN` rule. */
export interface Edge {
  from: Chain;
  to: Chain;
  rule: Rule;
  kind: 'jump' | 'goto';
}

export interface TableGraph {
  table: Table;
  edges: Edge[];
  /** Edges into each chain, by chain name (absent when none). */
  incoming: ByName<Edge[]>;
  /** Edges out of each chain, by chain name (absent when none). */
  outgoing: ByName<Edge[]>;
  /** Rules whose jump/goto names no chain of the table and no known target (by chain name of the missing target). */
  dangling: Rule[];
  /** Chains reachable from a built-in chain. */
  reachable: { has(chain: string): boolean };
  /**
   * Jump loops: one entry per strongly connected group of chains that can jump
   * back to itself, as a closed path of chain names (first name repeated implicitly).
   */
  cycles: string[][];
}

/** Graphs per table block (a dump may hold the same table twice; each block has its own). */
export interface ChainGraph {
  byTable: Map<Table, TableGraph>;
}

export const BUILTIN_TARGETS = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'] as const;

export const TABLE_NAMES = ['raw', 'mangle', 'nat', 'filter', 'security'] as const;

/** Built-in chains of each table, in hook order. */
export const BUILTIN_CHAINS: Record<string, readonly string[]> = keyed({
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
});

/** Every built-in chain name in any table. */
export const ALL_BUILTIN_CHAIN_NAMES = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

export function isBuiltinChain(table: string, chain: string): boolean {
  // INPUT, OUTPUT, FORWARD, PREROUTING, POSTROUTING: a name of another length is a user chain.
  const n = chain.length;
  if (n !== 5 && n !== 6 && n !== 7 && n !== 10 && n !== 11) return false;
  const list = BUILTIN_CHAINS[table];
  return list !== undefined && list.includes(chain);
}
