import { grow } from './grow';
import { parseRuleArgs, type RuleArgs } from './parseRuleArgs';
import { lineSpan } from './span';
import { TARGET_KINDS, targetKindCode } from './targetNames';
import { TargetView } from './targetView';
import { firstOddBlank, tokenizeLine, type Token } from './tokenize';
import type { Chain, Counters, Match, Option, Problem, Rule, Span, Target, TargetKind } from './types';

const JUMP_WORDS = new Set(['-j', '--jump', '-g', '--goto']);

/** Where a rule may set its counters inside its arguments (a cheap test before parsing them). */
const COUNTERS_WORD = /(?:^|\s)(?:-c|--set-counters)(?:\s|$)/;

function isOptionLike(t: Token): boolean {
  return !t.quoted && ((t.text.length > 1 && t.text.charCodeAt(0) === 45 && !/^-\d/.test(t.text)) || t.text === '!');
}

/** Bits of a rule's FLAGS number. */
const GOTO = 1;
const INSERT = 2;
/** The line starts with `[packets:bytes]`, kept in the store's counts. */
const COUNTED = 4;

/** The numbers kept for each save rule, in this order (see RuleStore). */
const LINE = 0;
const START = 1;
const END = 2;
const CHAIN_START = 3;
const CHAIN_END = 4;
const ARG_OFFSET = 5;
const TARGET_NAME_START = 6;
const TARGET_NAME_END = 7;
const TARGET_HEAD_START = 8;
const FLAGS = 9;
const INDEX = 10;
/** The target's kind, as its place in TARGET_KINDS. */
const KIND = 11;
/** Where the rule's line starts in the store's text. */
const LINE_AT = 12;
const WIDTH = 13;

/** The numbers kept for each chain line, in this order: its number, first character, name, policy word (-1: none), content end. */
const C_LINE = 0;
const C_FIRST = 1;
const C_NAME_START = 2;
const C_NAME_END = 3;
const C_POLICY_START = 4;
const C_POLICY_END = 5;
const C_END = 6;
const CHAIN_WIDTH = 7;

/** What few save rules have or need: a rule keeps these in one object made when the first is set. */
class RuleExtras {
  parsed: RuleArgs | null = null;
  /** The target view kept while the arguments are parsed (checks ask for it over and over). */
  view: SaveTarget | null = null;
  span: Span | null = null;
}

/**
 * The text one parse read, and the line number, offsets, flags, position and
 * target kind of each of its rules, thirteen numbers a rule, in one typed
 * array. Kept out of the rule objects they make a 100k-rule dump's rules
 * about half as big, and the garbage collector never has to copy or scan
 * them; a rule cuts its line from the text when it needs the words.
 */
export class RuleStore {
  ints: Int32Array;
  /** The `[packets:bytes]` before each rule, two numbers a rule; made when the first such rule comes (iptables-save -c). */
  counts: Float64Array | null = null;
  private count = 0;
  /** The chain lines' numbers, CHAIN_WIDTH a chain. */
  chainInts: Int32Array = new Int32Array(0);
  private chainCount = 0;

  /** Whether the text has a tab, CR, VT or FF anywhere: without any, a line's words are parted by spaces alone. */
  readonly oddBlanks: boolean;

  /** `rules`: how many rules to make room for at first; by default a guess from the text's length (a rule line is seldom under 32 characters), at most 256. */
  constructor(readonly text: string, rules = Math.min(256, 8 + (text.length >> 5))) {
    this.ints = new Int32Array(WIDTH * rules);
    this.oddBlanks = firstOddBlank(text) < text.length;
  }

  /** A slot for a new rule, its numbers all zero. */
  add(): number {
    const size = (this.count + 1) * WIDTH;
    if (size > this.ints.length) this.ints = grow(this.ints, size);
    return this.count++;
  }

  /** Keeps the counters written before rule `slot`. */
  setCounts(slot: number, packets: number, bytes: number): void {
    const size = (this.ints.length / WIDTH) * 2;
    if (!this.counts || this.counts.length < size) {
      const grown = new Float64Array(size);
      if (this.counts) grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[slot * 2] = packets;
    this.counts[slot * 2 + 1] = bytes;
  }

  /** A slot holding a new chain line's numbers (see CHAIN_WIDTH). */
  addChain(line: number, first: number, nameStart: number, nameEnd: number, policyStart: number, policyEnd: number, end: number): number {
    const at = this.chainCount * CHAIN_WIDTH;
    if (at + CHAIN_WIDTH > this.chainInts.length) this.chainInts = grow(this.chainInts, CHAIN_WIDTH * 64);
    const ints = this.chainInts;
    ints[at + C_LINE] = line;
    ints[at + C_FIRST] = first;
    ints[at + C_NAME_START] = nameStart;
    ints[at + C_NAME_END] = nameEnd;
    ints[at + C_POLICY_START] = policyStart;
    ints[at + C_POLICY_END] = policyEnd;
    ints[at + C_END] = end;
    return this.chainCount++;
  }
}

/**
 * The target of a save-format rule: a view (see TargetView), made when asked
 * for and kept while the rule's arguments are parsed, so views are
 * short-lived garbage.
 */
export class SaveTarget extends TargetView<SaveRule> {
  get options(): Option[] {
    return this.rule.args().target?.options ?? [];
  }

  get nameSpan(): Span {
    return lineSpan(this.rule.line, this.rule.targetNameStart, this.rule.targetNameEnd);
  }

  get span(): Span {
    const rule = this.rule;
    return rule.args().target?.span ?? lineSpan(rule.line, rule.targetHeadStart, rule.targetNameEnd);
  }
}

/**
 * A rule read from save syntax. The chain graph only needs each rule's chain
 * and target, so a 100k-rule dump is indexed in one quick pass; the matches,
 * target options and `-c` counters are parsed from the line the first time
 * anything asks for them. Their problems are the rule's own (`ownProblems`);
 * the ruleset's list gathers every rule's before it is first read.
 *
 * The target's facts are fields of the rule (see SaveTarget), the table and
 * chain names are the owning chain's, and the line number and offsets live
 * in the parse's RuleStore.
 */
export class SaveRule implements Rule {
  /** The target as written (null: none); the chain's own name string once it names a chain. */
  targetName: string | null = null;
  /** The chain of its table the target names, once settled (see Target.chain). */
  targetChain: Chain | null | undefined = undefined;
  private extras: RuleExtras | null = null;
  private readonly slot: number;

  constructor(
    /** The chain whose `-A`/`-I` line this is (its name is the rule's chain name). */
    private readonly owner: Chain,
    private readonly store: RuleStore,
    line: number,
    /** Where the line starts in the store's text. */
    lineAt: number,
    start: number,
    end: number,
    chainStart: number,
    chainEnd: number,
    command: 'append' | 'insert',
    /** Character offset where the rule's arguments start (after the chain name and -I position). */
    argOffset: number,
    prefixCounters: Counters | null,
  ) {
    const slot = store.add();
    this.slot = slot;
    const ints = store.ints;
    const at = slot * WIDTH;
    ints[at + LINE] = line;
    ints[at + START] = start;
    ints[at + END] = end;
    ints[at + CHAIN_START] = chainStart;
    ints[at + CHAIN_END] = chainEnd;
    ints[at + ARG_OFFSET] = argOffset;
    ints[at + FLAGS] = (command === 'insert' ? INSERT : 0) | (prefixCounters ? COUNTED : 0);
    ints[at + LINE_AT] = lineAt;
    if (prefixCounters) store.setCounts(slot, prefixCounters.packets, prefixCounters.bytes);
  }

  /** The rule's whole line, cut from the text again each time. */
  private get lineText(): string {
    const text = this.store.text;
    const at = this.num(LINE_AT);
    const end = text.indexOf('\n', at);
    return text.slice(at, end < 0 ? text.length : end);
  }

  private num(field: number): number {
    return this.store.ints[this.slot * WIDTH + field];
  }

  private more(): RuleExtras {
    return (this.extras ??= new RuleExtras());
  }

  get line(): number {
    return this.num(LINE);
  }

  /** Where the rule's line starts in the text it was read from. */
  get lineStart(): number {
    return this.num(LINE_AT);
  }

  /** Where the rule's arguments start on its line (after `-A CHAIN` and an -I position). */
  get argOffset(): number {
    return this.num(ARG_OFFSET);
  }

  /** The whole text the rule was read from; its line starts at lineStart. */
  get source(): string {
    return this.store.text;
  }

  /** Whether that text parts words with spaces alone (no tab, CR, VT or FF anywhere). */
  get spaceSeparated(): boolean {
    return !this.store.oddBlanks;
  }

  /** 1-based position in its chain (0 until the table is finished). */
  get index(): number {
    return this.num(INDEX);
  }

  set index(value: number) {
    this.store.ints[this.slot * WIDTH + INDEX] = value;
  }

  get targetKind(): TargetKind {
    return TARGET_KINDS[this.num(KIND)];
  }

  set targetKind(value: TargetKind) {
    this.store.ints[this.slot * WIDTH + KIND] = targetKindCode(value);
  }

  /** Where the target's name starts and ends on the line. */
  get targetNameStart(): number {
    return this.num(TARGET_NAME_START);
  }

  get targetNameEnd(): number {
    return this.num(TARGET_NAME_END);
  }

  /** Where the `-j`/`-g` word starts. */
  get targetHeadStart(): number {
    return this.num(TARGET_HEAD_START);
  }

  /** GOTO and INSERT bits. */
  get flags(): number {
    return this.num(FLAGS);
  }

  get targetGoto(): boolean {
    return (this.flags & GOTO) !== 0;
  }

  get table(): string {
    return this.owner.table;
  }

  get chain(): string {
    return this.owner.name;
  }

  get command(): 'append' | 'insert' {
    return (this.flags & INSERT) !== 0 ? 'insert' : 'append';
  }

  get target(): Target | null {
    if (this.targetName === null) return null;
    const extras = this.extras;
    if (!extras?.parsed) return new SaveTarget(this);
    return (extras.view ??= new SaveTarget(this));
  }

  /** Gives the rule its target: the name at [nameStart, nameEnd) on the line, after the jump word at headStart. */
  setTarget(name: string, goto: boolean, nameStart: number, nameEnd: number, headStart: number): void {
    this.targetName = name;
    const ints = this.store.ints;
    const at = this.slot * WIDTH;
    ints[at + KIND] = targetKindCode(goto ? 'goto' : 'jump');
    if (goto) ints[at + FLAGS] |= GOTO;
    ints[at + TARGET_NAME_START] = nameStart;
    ints[at + TARGET_NAME_END] = nameEnd;
    ints[at + TARGET_HEAD_START] = headStart;
  }

  /** Built on first use and kept: checks and features ask for a rule's line over and over. */
  get span(): Span {
    return (this.more().span ??= lineSpan(this.line, this.num(START), this.num(END)));
  }

  get chainNameSpan(): Span {
    return lineSpan(this.line, this.num(CHAIN_START), this.num(CHAIN_END));
  }

  /** Reads the rule's target from its tokens without parsing the matches. */
  static targetFrom(rule: SaveRule, tokens: Token[], from: number): void {
    let found = -1;
    for (let i = from; i < tokens.length - 1; i++) {
      const t = tokens[i];
      if (!t.quoted && JUMP_WORDS.has(t.text) && !isOptionLike(tokens[i + 1])) found = i;
    }
    if (found < 0) return;
    const word = tokens[found];
    const name = tokens[found + 1];
    rule.setTarget(name.text, word.text === '-g' || word.text === '--goto', name.start, name.end, word.start);
  }

  get matches(): Match[] {
    return this.args().matches;
  }

  get comments(): string[] {
    return this.args().comments;
  }

  get counters(): Counters | null {
    const extras = this.extras;
    if (this.flags & COUNTED) {
      const counts = this.store.counts!;
      return { packets: counts[this.slot * 2], bytes: counts[this.slot * 2 + 1] };
    }
    // Most rules carry no `-c`: answer without parsing them (a hover sums the counters of every jump to a chain).
    if (!extras?.parsed && !COUNTERS_WORD.test(this.lineText)) return null;
    return this.args().counters;
  }

  /** Whether the arguments have been parsed yet. */
  get isParsed(): boolean {
    return !!this.extras?.parsed;
  }

  /** Parses the arguments once (until released). */
  args(): RuleArgs {
    const extras = this.more();
    if (extras.parsed) return extras.parsed;
    // The words from the arguments on: `-A CHAIN` (and an -I position) are read already.
    const text = this.lineText;
    const { tokens } = tokenizeLine(text, this.num(ARG_OFFSET));
    return (extras.parsed = parseRuleArgs(tokens, 0, this.line, text));
  }

  ownProblems(): Problem[] {
    return this.args().problems;
  }

  /**
   * Whether `re` (a global regular expression) finds something in the rule's
   * arguments, which stay unparsed. The search starts at the blank before
   * them, so a pattern may begin with `\s` to find a word's start.
   */
  argsMatch(re: RegExp): boolean {
    re.lastIndex = Math.max(0, this.num(ARG_OFFSET) - 1);
    return re.test(this.lineText);
  }

  release(): void {
    const extras = this.extras;
    if (!extras) return;
    extras.parsed = null;
    extras.view = null;
  }
}

/** The spans a chain was given or has been asked for, in one object made when the first is. */
class ChainSpans {
  decl: Span | null = null;
  name: Span | null = null;
  policy: Span | null = null;
  span: Span | null = null;
}

/**
 * A chain read from a `:NAME POLICY [p:b]` line or an `-N NAME` line. Its
 * spans are built from the line's offsets (kept in the parse's RuleStore)
 * the first time they are read: a 40k-chain dump would otherwise make three
 * span objects per chain that hardly anyone looks at. Assigning a span (a
 * later -P or -N line) replaces it.
 */
export class SaveChain implements Chain {
  rules: Rule[] = [];
  index = -1;
  private spans: ChainSpans | null = null;
  private readonly slot: number;

  constructor(
    public name: string,
    public table: string,
    public builtin: boolean,
    public policy: string | null,
    public counters: Counters | null,
    private readonly store: RuleStore,
    line: number,
    /** Offsets on the line: its first character, the name, the policy word (-1 for none), the content's end. */
    first: number,
    nameStart: number,
    nameEnd: number,
    policyStart: number,
    policyEnd: number,
    end: number,
  ) {
    this.slot = store.addChain(line, first, nameStart, nameEnd, policyStart, policyEnd, end);
  }

  /** One of the line's numbers (C_…). */
  private num(field: number): number {
    return this.store.chainInts[this.slot * CHAIN_WIDTH + field];
  }

  private get kept(): ChainSpans {
    return (this.spans ??= new ChainSpans());
  }

  get declSpan(): Span | null {
    return (this.kept.decl ??= lineSpan(this.num(C_LINE), this.num(C_FIRST), this.num(C_END)));
  }

  set declSpan(value: Span | null) {
    this.kept.decl = value;
  }

  get nameSpan(): Span | null {
    return (this.kept.name ??= lineSpan(this.num(C_LINE), this.num(C_NAME_START), this.num(C_NAME_END)));
  }

  set nameSpan(value: Span | null) {
    this.kept.name = value;
  }

  get policySpan(): Span | null {
    const kept = this.kept;
    if (this.num(C_POLICY_START) < 0 && kept.policy === null) return null;
    return (kept.policy ??= lineSpan(this.num(C_LINE), this.num(C_POLICY_START), this.num(C_POLICY_END)));
  }

  set policySpan(value: Span | null) {
    this.kept.policy = value;
  }

  /** The declaration line, as for every chain of a save dump. */
  get span(): Span {
    return (this.kept.span ??= this.declSpan!);
  }

  set span(value: Span) {
    this.kept.span = value;
  }
}
