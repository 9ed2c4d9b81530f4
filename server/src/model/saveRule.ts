import { parseRuleArgs, type RuleArgs } from './parseRuleArgs';
import { lineSpan } from './span';
import { tokenizeLine, type Token } from './tokenize';
import type { Chain, Counters, Match, Option, Problem, Rule, Span, Target, TargetKind } from './types';

const JUMP_WORDS = new Set(['-j', '--jump', '-g', '--goto']);

/** Where a rule may set its counters inside its arguments (a cheap test before parsing them). */
const COUNTERS_WORD = /(?:^|\s)(?:-c|--set-counters)(?:\s|$)/;

function isOptionLike(t: Token): boolean {
  return !t.quoted && ((t.text.length > 1 && t.text.charCodeAt(0) === 45 && !/^-\d/.test(t.text)) || t.text === '!');
}

/**
 * The target of a save-format rule, known as soon as the line is read (the
 * chain graph needs its name and kind); its options are read with the rest of
 * the rule, on first use.
 */
export class SaveTarget implements Target {
  kind: TargetKind;
  /** Declared here (not added later) so every target keeps one shape. */
  chain: Chain | null | undefined = undefined;
  constructor(
    private readonly rule: SaveRule,
    public name: string,
    public goto: boolean,
    private readonly nameStart: number,
    private readonly nameEnd: number,
    private readonly headStart: number,
  ) {
    this.kind = goto ? 'goto' : 'jump';
  }

  get options(): Option[] {
    return this.rule.args().target?.options ?? [];
  }

  get nameSpan(): Span {
    return lineSpan(this.rule.line, this.nameStart, this.nameEnd);
  }

  get span(): Span {
    return this.rule.args().target?.span ?? lineSpan(this.rule.line, this.headStart, this.nameEnd);
  }
}

/**
 * A rule read from save syntax. The chain graph only needs each rule's chain
 * and target, so a 100k-rule dump is indexed in one quick pass; the matches,
 * target options and `-c` counters are parsed from the line the first time
 * anything asks for them. Their problems are the rule's own (`ownProblems`);
 * the ruleset's list gathers every rule's before it is first read.
 */
export class SaveRule implements Rule {
  index = 0;
  target: Target | null = null;
  private parsed: RuleArgs | null = null;

  constructor(
    public table: string,
    public chain: string,
    readonly line: number,
    private readonly start: number,
    private readonly end: number,
    private readonly chainStart: number,
    private readonly chainEnd: number,
    public command: 'append' | 'insert',
    private readonly lineText: string,
    /** Character offset where the rule's arguments start (after the chain name and -I position). */
    private readonly argOffset: number,
    private readonly prefixCounters: Counters | null,
  ) {}

  private spanCache: Span | null = null;

  /** Built on first use and kept: checks and features ask for a rule's line over and over. */
  get span(): Span {
    return (this.spanCache ??= lineSpan(this.line, this.start, this.end));
  }

  get chainNameSpan(): Span {
    return lineSpan(this.line, this.chainStart, this.chainEnd);
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
    const goto = word.text === '-g' || word.text === '--goto';
    rule.target = new SaveTarget(rule, name.text, goto, name.start, name.end, word.start);
  }

  get matches(): Match[] {
    return this.args().matches;
  }

  get comments(): string[] {
    return this.args().comments;
  }

  get counters(): Counters | null {
    if (this.prefixCounters) return this.prefixCounters;
    // Most rules carry no `-c`: answer without parsing them (a hover sums the counters of every jump to a chain).
    if (!this.parsed && !COUNTERS_WORD.test(this.lineText)) return null;
    return this.args().counters;
  }

  /** Whether the arguments have been parsed yet. */
  get isParsed(): boolean {
    return this.parsed !== null;
  }

  /** Parses the arguments once (until released). */
  args(): RuleArgs {
    if (this.parsed) return this.parsed;
    const { tokens } = tokenizeLine(this.lineText);
    let from = 0;
    while (from < tokens.length && tokens[from].start < this.argOffset) from++;
    this.parsed = parseRuleArgs(tokens, from, this.line, this.lineText);
    return this.parsed;
  }

  ownProblems(): Problem[] {
    return this.args().problems;
  }

  release(): void {
    this.parsed = null;
  }
}

/**
 * A chain read from a `:NAME POLICY [p:b]` line. Its spans are built from the
 * line's offsets the first time they are read: a 40k-chain dump would
 * otherwise make three span objects per chain that hardly anyone looks at.
 * Assigning a span (a later -P or -N line) replaces it.
 */
export class SaveChain implements Chain {
  rules: Rule[] = [];
  index = -1;
  listedReferences?: number = undefined;
  private declSpanValue: Span | null = null;
  private nameSpanValue: Span | null = null;
  private policySpanValue: Span | null = null;
  private spanValue: Span | null = null;

  constructor(
    public name: string,
    public table: string,
    public builtin: boolean,
    public policy: string | null,
    public counters: Counters | null,
    private readonly line: number,
    /** Offsets on the line: its first character, the name's end, the policy word, the content's end. */
    private readonly first: number,
    private readonly nameEnd: number,
    private readonly policyStart: number,
    private readonly policyEnd: number,
    private readonly end: number,
  ) {}

  get declSpan(): Span | null {
    return (this.declSpanValue ??= lineSpan(this.line, this.first, this.end));
  }

  set declSpan(value: Span | null) {
    this.declSpanValue = value;
  }

  get nameSpan(): Span | null {
    return (this.nameSpanValue ??= lineSpan(this.line, this.first + 1, this.nameEnd));
  }

  set nameSpan(value: Span | null) {
    this.nameSpanValue = value;
  }

  get policySpan(): Span | null {
    return (this.policySpanValue ??= lineSpan(this.line, this.policyStart, this.policyEnd));
  }

  set policySpan(value: Span | null) {
    this.policySpanValue = value;
  }

  /** The declaration line, as for every chain of a save dump. */
  get span(): Span {
    return (this.spanValue ??= this.declSpan!);
  }

  set span(value: Span) {
    this.spanValue = value;
  }
}
