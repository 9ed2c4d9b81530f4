import { isHexDigit } from './address';
import { grow } from './grow';
import { parseRuleArgs, type RuleArgs } from './parseRuleArgs';
import { lineSpan } from './span';
import { TARGET_KINDS, targetKindCode } from './targetNames';
import { TargetView, type TargetFields } from './targetView';
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
/** The chain the target names has been looked for (see Target.chain): a name without a chain then names none. */
const SETTLED = 8;

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

const JUMP_KIND = targetKindCode('jump');
const GOTO_KIND = targetKindCode('goto');

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
 * The text one parse read, and each of its rules: the line number, offsets,
 * flags, position and target kind, thirteen numbers a rule in one typed
 * array; the target, as a chain or a name; and the rule's object once one is
 * made. A parse makes no rule objects (see SaveChain.rules): the numbers are
 * all the chain graph needs, and the garbage collector never has to copy or
 * scan them. A rule cuts its line from the text when it needs the words.
 */
export class RuleStore {
  ints: Int32Array;
  /** The `[packets:bytes]` before each rule, two numbers a rule; made when the first such rule comes (iptables-save -c). */
  counts: Float64Array | null = null;
  /** Per rule: the chain its target names once found, else the target's name as written; null without a target. */
  readonly targets: (Chain | string | null)[];
  /**
   * Per rule, in the order the lines came: its object once made, until then
   * the chain whose line it is (see SaveChain.rules). A rule a later line
   * flushed or replaced stays here: iptables-restore reads its line too.
   * Null past the last rule, in room made ahead.
   */
  readonly objects: (SaveRule | Chain | null)[];
  private count = 0;
  /** The chain lines' numbers, CHAIN_WIDTH a chain. */
  chainInts: Int32Array = new Int32Array(0);
  private chainCount = 0;

  /** Whether the text has a tab, CR, VT or FF anywhere: without any, a line's words are parted by spaces alone. */
  readonly oddBlanks: boolean;

  /**
   * `rules`: how many rules to make room for at first; by default one per 32
   * characters for a small text (a rule line is seldom shorter), up to 256,
   * and one per 128 for a large one (a kube-proxy rule line is about 145).
   * Numbers grown by doubling touch about twice the memory they end up in,
   * and on some machines new memory is most of a parse's cost; room never
   * written to costs nothing.
   */
  constructor(readonly text: string, rules = Math.max(Math.min(256, 8 + (text.length >> 5)), 8 + (text.length >> 7))) {
    this.ints = new Int32Array(WIDTH * rules);
    // The per-rule arrays too, made at that size in one piece. Grown a rule at a time (by push or by index), an
    // array is copied into one half again as large, over and over: for 131k entries, 1,270 page faults and 26 ms
    // against 305 and 4 ms here, for each of the two.
    this.objects = new Array<SaveRule | Chain | null>(rules).fill(null);
    this.targets = new Array<Chain | string | null>(rules).fill(null);
    this.oddBlanks = firstOddBlank(text) < text.length;
  }

  /** How many rules the store holds. */
  get size(): number {
    return this.count;
  }

  /**
   * A new rule of `owner`, as numbers only: its line, where the line starts
   * in the text, the rule's first and last character, the chain name's, and
   * where the arguments start. Its slot, for setTarget and make.
   */
  add(
    owner: Chain, line: number, lineAt: number, start: number, end: number, chainStart: number, chainEnd: number,
    command: 'append' | 'insert', argOffset: number, prefixCounters: Counters | null,
  ): number {
    const slot = this.count++;
    const size = this.count * WIDTH;
    if (size > this.ints.length) this.ints = grow(this.ints, size);
    // Stored at the next index rather than pushed: the inlined push deoptimized parse after parse ("not a Smi").
    this.objects[slot] = owner;
    this.targets[slot] = null;
    const ints = this.ints;
    const at = slot * WIDTH;
    ints[at + LINE] = line;
    ints[at + START] = start;
    ints[at + END] = end;
    ints[at + CHAIN_START] = chainStart;
    ints[at + CHAIN_END] = chainEnd;
    ints[at + ARG_OFFSET] = argOffset;
    ints[at + FLAGS] = (command === 'insert' ? INSERT : 0) | (prefixCounters ? COUNTED : 0);
    ints[at + LINE_AT] = lineAt;
    if (prefixCounters) this.setCounts(slot, prefixCounters.packets, prefixCounters.bytes);
    return slot;
  }

  /** Rule `slot`'s line number. */
  lineOf(slot: number): number {
    return this.ints[slot * WIDTH + LINE];
  }

  /** Where rule `slot`'s line starts in the text. */
  lineStartOf(slot: number): number {
    return this.ints[slot * WIDTH + LINE_AT];
  }

  /** Gives rule `slot` its target: a chain found already, or a name at [nameStart, nameEnd) on the line, after the jump word at headStart. */
  setTarget(slot: number, target: Chain | string, goto: boolean, nameStart: number, nameEnd: number, headStart: number): void {
    this.targets[slot] = target;
    const ints = this.ints;
    const at = slot * WIDTH;
    ints[at + KIND] = goto ? GOTO_KIND : JUMP_KIND;
    if (goto) ints[at + FLAGS] |= GOTO;
    ints[at + TARGET_NAME_START] = nameStart;
    ints[at + TARGET_NAME_END] = nameEnd;
    ints[at + TARGET_HEAD_START] = headStart;
  }

  /** Rule `slot`'s object, made now if it was not yet (by its chain, with the chain's other rules). */
  rule(slot: number): SaveRule {
    const o = this.objects[slot]!;
    if (o instanceof SaveRule) return o;
    // Not made yet: its chain holds it among the rules it has not made (see SaveChain.rules).
    void o.rules;
    return this.objects[slot] as SaveRule;
  }

  /** Makes the object of rule `slot`, which its chain (objects[slot]) holds as numbers until now. */
  make(slot: number): SaveRule {
    const rule = new SaveRule(this.objects[slot] as Chain, this, slot);
    this.objects[slot] = rule;
    return rule;
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
 * A save rule's target and position as the store keeps them, read through
 * its slot: what a SaveRule shows of them, and what finishTable and the
 * chain graph read and settle of rules not made into objects (UnmadeRule).
 */
abstract class StoredRule implements TargetFields {
  constructor(protected readonly store: RuleStore, protected slot: number) {}

  protected num(field: number): number {
    return this.store.ints[this.slot * WIDTH + field];
  }

  /** The target as written (null: none); the chain's own name string once it names a chain. */
  get targetName(): string | null {
    const t = this.store.targets[this.slot];
    return t === null || typeof t === 'string' ? t : t.name;
  }

  /** A new name forgets the chain unless it is that chain's name. */
  set targetName(value: string | null) {
    const targets = this.store.targets;
    const t = targets[this.slot];
    if (t !== null && typeof t !== 'string' && t.name === value) return;
    targets[this.slot] = value;
  }

  /** The chain of its table the target names, once settled (see Target.chain). */
  get targetChain(): Chain | null | undefined {
    const t = this.store.targets[this.slot];
    if (t !== null && typeof t !== 'string') return t;
    return this.flags & SETTLED ? null : undefined;
  }

  set targetChain(value: Chain | null | undefined) {
    const { targets, ints } = this.store;
    const at = this.slot * WIDTH + FLAGS;
    if (value) targets[this.slot] = value;
    else {
      // The name stays: a chain's name when the target named one until now.
      targets[this.slot] = this.targetName;
      ints[at] = value === null ? ints[at] | SETTLED : ints[at] & ~SETTLED;
    }
  }

  get targetKind(): TargetKind {
    return TARGET_KINDS[this.num(KIND)];
  }

  set targetKind(value: TargetKind) {
    this.store.ints[this.slot * WIDTH + KIND] = targetKindCode(value);
  }

  /** GOTO, INSERT, COUNTED and SETTLED bits. */
  get flags(): number {
    return this.num(FLAGS);
  }

  get targetGoto(): boolean {
    return (this.flags & GOTO) !== 0;
  }

  /** 1-based position in its chain (0 until the table is finished). */
  get index(): number {
    return this.num(INDEX);
  }

  set index(value: number) {
    this.store.ints[this.slot * WIDTH + INDEX] = value;
  }
}

/**
 * The rules of a save chain not made into objects yet, one after another:
 * `next` moves to the following rule, whose target finishTable settles and
 * the graph reads in place, so a 100k-rule parse makes no object per rule.
 */
export class UnmadeRule extends StoredRule {
  private end: number;

  constructor(chain: SaveChain) {
    super(chain.store, chain.unmadeFrom - 1);
    this.end = chain.unmadeFrom + chain.unmade;
  }

  /** Moves to the next rule; false after the last. */
  next(): boolean {
    return ++this.slot < this.end;
  }
}

/**
 * A rule read from save syntax. The chain graph only needs each rule's chain
 * and target, so a 100k-rule dump is indexed in one quick pass that makes
 * no rule objects (see SaveChain.rules); the matches, target options and
 * `-c` counters are parsed from the line the first time anything asks for
 * them. Their problems are the rule's own (`ownProblems`); the ruleset's
 * list gathers every rule's before it is first read.
 *
 * The target's facts, the line number and the offsets live in the parse's
 * RuleStore (see StoredRule and SaveTarget); the table and chain names are
 * the owning chain's.
 */
export class SaveRule extends StoredRule implements Rule {
  private extras: RuleExtras | null = null;

  /** Made by the store (RuleStore.make), for the rule in `slot` of `owner`, the chain whose `-A`/`-I` line it is (its name is the rule's chain name). */
  constructor(private readonly owner: Chain, store: RuleStore, slot: number) {
    super(store, slot);
  }

  /** The rule's whole line, cut from the text again each time. */
  private get lineText(): string {
    const text = this.store.text;
    const at = this.num(LINE_AT);
    const end = text.indexOf('\n', at);
    return text.slice(at, end < 0 ? text.length : end);
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

  /**
   * The rule's first match when its arguments open with a plain `-s WORD` or
   * `-d WORD` (an address, a prefix), as `matches` would give it, found
   * without tokenizing the line: a packet traced through KUBE-SERVICES meets
   * 10k rules whose opening `-d` already turns most of them down. Null for
   * anything else (a negation, a long option name, a quote), and on a text
   * not parted by spaces alone.
   */
  leadingAddress(): Match | null {
    if (this.store.oddBlanks) return null;
    const text = this.store.text;
    const lineAt = this.num(LINE_AT);
    let i = lineAt + this.num(ARG_OFFSET);
    while (text.charCodeAt(i) === 32) i++;
    const letter = text.charCodeAt(i + 1);
    if (text.charCodeAt(i) !== 45 || (letter !== 100 && letter !== 115) || text.charCodeAt(i + 2) !== 32) return null;
    let s = i + 3;
    while (text.charCodeAt(s) === 32) s++;
    let e = s;
    for (; e < text.length; e++) {
      const c = text.charCodeAt(e);
      if (c === 32 || c === 10) break;
      // Hex digits, dots, colons and a slash (an IPv4 or IPv6 address or prefix): a word the tokenizer takes as it is, and no option.
      if (!isHexDigit(c) && c !== 46 && c !== 58 && c !== 47) return null;
    }
    if (e === s) return null;
    const module = letter === 100 ? 'destination' : 'source';
    const line = this.num(LINE);
    const value = text.slice(s, e);
    const span = lineSpan(line, i - lineAt, e - lineAt);
    const option: Option = {
      name: module, value, values: [value], negated: false, span,
      nameSpan: lineSpan(line, i - lineAt, i + 2 - lineAt), valueSpan: lineSpan(line, s - lineAt, e - lineAt),
    };
    return { module, implicit: true, negated: false, options: [option], span, moduleSpan: null, text: text.slice(i, e) };
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
    this.store.setTarget(this.slot, name, goto, nameStart, nameEnd, headStart);
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

/** How many rules a chain has, without making a save chain's rules into objects. */
export function ruleCount(chain: Chain): number {
  return chain instanceof SaveChain ? chain.ruleCount : chain.rules.length;
}

/** The line a chain is declared on, or -1 when it never is, without making a save chain's span. */
export function declLine(chain: Chain): number {
  if (chain instanceof SaveChain) return chain.declLine;
  return chain.declSpan ? chain.declSpan.line : -1;
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
  index = -1;
  private spans: ChainSpans | null = null;
  private readonly slot: number;
  /** The rules as objects, once made; until then they are `unmade` rules of the store from slot `unmadeFrom` on. */
  private list: Rule[] | null = null;
  /** Where the rules not made yet start in the store, and how many there are: the parser adds them as numbers (see addSlot). */
  unmadeFrom = 0;
  unmade = 0;

  constructor(
    public name: string,
    public table: string,
    public builtin: boolean,
    public policy: string | null,
    public counters: Counters | null,
    /** The store its line's numbers and its rules are in. */
    readonly store: RuleStore,
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

  /**
   * Made into objects the first time they are asked for. Parsing and the
   * chain graph need none (see finishTable and buildTableGraph): a 100k-rule
   * dump's rules are objects only once the checks or a feature read them.
   */
  get rules(): Rule[] {
    let list = this.list;
    if (list === null) {
      // Made at its size: grown by push, a chain's two or three rules take at least 17 slots (5 MB over a 10k-Service dump's 42k chains).
      list = new Array<Rule>(this.unmade);
      for (let i = 0; i < this.unmade; i++) list[i] = this.store.make(this.unmadeFrom + i);
      this.list = list;
      this.unmade = 0;
    }
    return list;
  }

  /** Replacing the rules (a -F) makes the old ones first: the store keeps every rule read. */
  set rules(value: Rule[]) {
    if (this.list === null && this.unmade > 0) void this.rules;
    this.list = value;
  }

  /** Whether its rules are made into objects yet. */
  get made(): boolean {
    return this.list !== null;
  }

  /** How many rules it has, made or not. */
  get ruleCount(): number {
    return this.list === null ? this.unmade : this.list.length;
  }

  /** Appends rule `slot` of its store: kept as numbers while the chain's rules are one unbroken run of slots. */
  addSlot(slot: number): void {
    if (this.list === null && (this.unmade === 0 || this.unmadeFrom + this.unmade === slot)) {
      if (this.unmade === 0) this.unmadeFrom = slot;
      this.unmade++;
    } else this.rules.push(this.store.make(slot));
  }

  /** One of the line's numbers (C_…). */
  private num(field: number): number {
    return this.store.chainInts[this.slot * CHAIN_WIDTH + field];
  }

  private get kept(): ChainSpans {
    return (this.spans ??= new ChainSpans());
  }

  /** The line of its declaration (declSpan's), read from the line's numbers unless a span was assigned. */
  get declLine(): number {
    const decl = this.spans?.decl;
    return decl ? decl.line : this.num(C_LINE);
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
