import { lineSpan } from './span';
import type { Token } from './tokenize';
import type { Counters, Match, Option, Problem, Span, Target, TargetKind } from './types';
import { keyed } from './keyed';

/** Generic options of a rule and the match module each becomes. */
const GENERIC = new Map<string, string>([
  ['-s', 'source'], ['--source', 'source'], ['--src', 'source'],
  ['-d', 'destination'], ['--destination', 'destination'], ['--dst', 'destination'],
  ['-i', 'in-interface'], ['--in-interface', 'in-interface'],
  ['-o', 'out-interface'], ['--out-interface', 'out-interface'],
  ['-p', 'protocol'], ['--protocol', 'protocol'],
  ['-f', 'fragment'], ['--fragment', 'fragment'],
]);

/** The match module a `-p` value implies for options written without `-m` (iptables loads it on demand). */
export const PROTOCOL_MODULE: Record<string, string> = keyed({
  tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp',
  icmpv6: 'icmp6', 'ipv6-icmp': 'icmp6', icmp6: 'icmp6', '58': 'icmp6',
  sctp: 'sctp', '132': 'sctp', dccp: 'dccp', '33': 'dccp', udplite: 'udplite', '136': 'udplite',
});

export interface RuleArgs {
  matches: Match[];
  /** Target as written; its kind is settled later, once the table's chains are known. */
  target: Target | null;
  counters: Counters | null;
  comments: string[];
  problems: Problem[];
}

const NO_VALUES: string[] = [];

/**
 * Module and option names repeat on every rule of a large dump; keeping one
 * copy of each saves a string per option.
 */
const interned = new Map<string, string>();
/** `--dport` → `dport`, one string per option name however often it is written. */
const optionNames = new Map<string, string>();
function optionName(word: string): string {
  const hit = optionNames.get(word);
  if (hit !== undefined) return hit;
  const name = word.slice(2);
  if (optionNames.size < 4096) optionNames.set(copyOf(word), copyOf(name));
  return name;
}

/**
 * A copy sharing no memory with the document: V8 keeps a slice of 13
 * characters or more as a view into its whole text, and a name kept for the
 * life of the process must not keep an old 16 MB dump alive.
 */
function copyOf(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size < 4096) {
    const copy = copyOf(s);
    interned.set(copy, copy);
    return copy;
  }
  return s;
}

/*
 * Matches and options keep their positions as numbers and build span objects
 * only when asked: a 100k-rule dump has about a million of them.
 */

class OptionNode implements Option {
  value: string | null;
  constructor(
    public name: string,
    public values: string[],
    public negated: boolean,
    private readonly line: number,
    private readonly start: number,
    private readonly end: number,
    private readonly nameStart: number,
    private readonly nameEnd: number,
    private readonly valueStart: number,
  ) {
    this.value = values.length === 0 ? null : values.length === 1 ? values[0] : values.join(' ');
  }
  get span(): Span {
    return lineSpan(this.line, this.start, this.end);
  }
  get nameSpan(): Span {
    return lineSpan(this.line, this.nameStart, this.nameEnd);
  }
  get valueSpan(): Span | null {
    return this.valueStart < 0 ? null : lineSpan(this.line, this.valueStart, this.end);
  }
}

class MatchNode implements Match {
  options: Option[] = [];
  constructor(
    public module: string,
    public implicit: boolean,
    public negated: boolean,
    private readonly lineText: string,
    private readonly line: number,
    public start: number,
    public end: number,
    private readonly moduleStart: number,
    private readonly moduleEnd: number,
  ) {}
  get span(): Span {
    return lineSpan(this.line, this.start, this.end);
  }
  get moduleSpan(): Span | null {
    return this.moduleStart < 0 ? null : lineSpan(this.line, this.moduleStart, this.moduleEnd);
  }
  get text(): string {
    return this.lineText.slice(this.start, this.end);
  }
}

class TargetNode implements Target {
  options: Option[] = [];
  kind: TargetKind;
  constructor(
    public name: string,
    public goto: boolean,
    private readonly line: number,
    private readonly start: number,
    public end: number,
    private readonly nameStart: number,
    private readonly nameEnd: number,
  ) {
    this.kind = goto ? 'goto' : 'jump';
  }
  get span(): Span {
    return lineSpan(this.line, this.start, this.end);
  }
  get nameSpan(): Span {
    return lineSpan(this.line, this.nameStart, this.nameEnd);
  }
}

function isOptionWord(t: Token): boolean {
  if (t.quoted) return false;
  const s = t.text;
  if (s === '!') return true;
  if (s.length < 2 || s.charCodeAt(0) !== 45 /* - */) return false;
  const c1 = s.charCodeAt(1);
  return !(c1 >= 48 && c1 <= 57);
}

/**
 * Adds an option to a match or target. Most have one option: an array made
 * for one holds one, where the first push into an empty array makes room
 * for sixteen (half a million matches in a 100k-rule dump).
 */
function addOption(owner: MatchNode | TargetNode, opt: Option): void {
  if (owner.options.length) owner.options.push(opt);
  else owner.options = [opt];
}

function span(line: number, a: Token, b: Token = a): Span {
  return lineSpan(line, a.start, b.end);
}

/**
 * Parses the words of one rule, from just after `-A CHAIN` (or `-I CHAIN [N]`)
 * to the end of the line, into matches, a target and counters. Never throws;
 * what cannot be understood becomes a problem at its word.
 */
export function parseRuleArgs(tokens: Token[], from: number, line: number, lineText: string): RuleArgs {
  const matches: Match[] = [];
  let comments: string[] = [];
  const problems: Problem[] = [];
  let target: TargetNode | null = null;
  let counters: Counters | null = null;
  // Where options go: the last explicit match, the implicit protocol match, or the target.
  let current: MatchNode | TargetNode | null = null;
  let protocol: string | null = null;
  let implicit: MatchNode | null = null;
  let negateNext: Token | null = null;

  const n = tokens.length;
  let i = from;

  while (i < n) {
    const t = tokens[i];
    const word = t.text;
    if (word === '!' && !t.quoted) {
      negateNext = t;
      i++;
      continue;
    }
    const generic = t.quoted || word.charCodeAt(0) !== 45 ? undefined : GENERIC.get(word);
    if (generic) {
      const negated = negateNext !== null;
      const startTok = negateNext ?? t;
      negateNext = null;
      if (generic === 'fragment') {
        matches.push(new MatchNode('fragment', true, negated, lineText, line, startTok.start, t.end, -1, -1));
        i++;
        continue;
      }
      let vEnd = i + 1;
      let negatedInside = false;
      if (vEnd < n && tokens[vEnd].text === '!' && !tokens[vEnd].quoted) {
        // Old intrapositioned negation: `-s ! 10.0.0.0/8`.
        negatedInside = true;
        vEnd++;
      }
      const valTok = vEnd < n && !isOptionWord(tokens[vEnd]) ? tokens[vEnd] : null;
      const endTok = valTok ?? t;
      const neg = negated || negatedInside;
      const opt = new OptionNode(
        generic, valTok ? [valTok.text] : NO_VALUES, neg,
        line, startTok.start, endTok.end, t.start, t.end, valTok ? valTok.start : -1,
      );
      if (!valTok) {
        problems.push({ span: span(line, t), severity: 'error', code: 'missing-value', message: `Option ${word} needs a value.` });
      }
      const m = new MatchNode(generic, true, neg, lineText, line, startTok.start, endTok.end, -1, -1);
      m.options = [opt];
      matches.push(m);
      if (generic === 'protocol' && valTok) protocol = valTok.text.toLowerCase();
      i = valTok ? vEnd + 1 : vEnd;
      continue;
    }
    if (!t.quoted && (word === '-m' || word === '--match')) {
      if (negateNext) {
        problems.push({ span: span(line, negateNext), severity: 'error', code: 'bad-negation', message: '"!" cannot negate -m; put it before an option of the match.' });
        negateNext = null;
      }
      const modTok = i + 1 < n && !isOptionWord(tokens[i + 1]) ? tokens[i + 1] : null;
      if (!modTok) {
        problems.push({ span: span(line, t), severity: 'error', code: 'missing-value', message: `${word} needs a match module name.` });
        current = null;
        i++;
        continue;
      }
      const m = new MatchNode(intern(modTok.text), false, false, lineText, line, t.start, modTok.end, modTok.start, modTok.end);
      matches.push(m);
      current = m;
      i += 2;
      continue;
    }
    if (!t.quoted && (word === '-j' || word === '--jump' || word === '-g' || word === '--goto')) {
      if (negateNext) {
        problems.push({ span: span(line, negateNext), severity: 'error', code: 'bad-negation', message: `"!" cannot negate ${word}.` });
        negateNext = null;
      }
      const nameTok = i + 1 < n && !isOptionWord(tokens[i + 1]) ? tokens[i + 1] : null;
      if (!nameTok) {
        problems.push({ span: span(line, t), severity: 'error', code: 'missing-value', message: `${word} needs a target or chain name.` });
        i++;
        continue;
      }
      if (target) {
        problems.push({ span: span(line, t, nameTok), severity: 'error', code: 'multiple-targets', message: 'A rule can have only one -j or -g.' });
      }
      target = new TargetNode(nameTok.text, word === '-g' || word === '--goto', line, t.start, nameTok.end, nameTok.start, nameTok.end);
      current = target;
      i += 2;
      continue;
    }
    if (!t.quoted && (word === '-c' || word === '--set-counters')) {
      const a = tokens[i + 1];
      const b = tokens[i + 2];
      const pk = a && /^\d+$/.test(a.text) ? Number(a.text) : NaN;
      const by = b && /^\d+$/.test(b.text) ? Number(b.text) : NaN;
      if (Number.isNaN(pk) || Number.isNaN(by)) {
        problems.push({ span: span(line, t, b ?? a ?? t), severity: 'error', code: 'counters-malformed', message: `${word} needs two numbers: packets and bytes.` });
        i += 1 + (a && !isOptionWord(a) ? 1 : 0) + (b && a && !isOptionWord(a) && !isOptionWord(b) ? 1 : 0);
      } else {
        counters = { packets: pk, bytes: by };
        i += 3;
      }
      continue;
    }
    if (!t.quoted && (word === '-4' || word === '-6' || word === '--ipv4' || word === '--ipv6')) {
      i++;
      continue;
    }
    if (!t.quoted && word.startsWith('--')) {
      // An option of the current match or target; without one, of the protocol's implicit match.
      let owner: MatchNode | TargetNode | null = current;
      if (!owner && protocol && PROTOCOL_MODULE[protocol]) {
        if (!implicit) {
          const s = negateNext ?? t;
          implicit = new MatchNode(PROTOCOL_MODULE[protocol], true, false, lineText, line, s.start, s.end, -1, -1);
          matches.push(implicit);
        }
        owner = implicit;
        current = implicit;
      }
      const startTok = negateNext ?? t;
      let negated = negateNext !== null;
      negateNext = null;
      let k = i + 1;
      // Old intrapositioned negation, `--dport ! 80`; a `!` before the next option negates that option instead.
      if (k + 1 < n && tokens[k].text === '!' && !tokens[k].quoted && !isOptionWord(tokens[k + 1])) {
        negated = true;
        k++;
      }
      let vEnd = k;
      while (vEnd < n && !isOptionWord(tokens[vEnd])) vEnd++;
      let values = NO_VALUES;
      if (vEnd === k + 1) values = [tokens[k].text];
      else if (vEnd > k) {
        values = new Array(vEnd - k);
        for (let v = k; v < vEnd; v++) values[v - k] = tokens[v].text;
      }
      const endTok = vEnd > k ? tokens[vEnd - 1] : t;
      const opt = new OptionNode(
        optionName(word), values, negated, line, startTok.start, endTok.end, t.start, t.end, vEnd > k ? tokens[k].start : -1,
      );
      if (owner) {
        addOption(owner, opt);
        owner.end = Math.max(owner.end, endTok.end);
        if (owner instanceof MatchNode && owner.module === 'comment' && opt.name === 'comment' && opt.value !== null) {
          if (comments.length) comments.push(opt.value);
          else comments = [opt.value];
        }
      } else {
        problems.push({
          span: opt.nameSpan, severity: 'error', code: 'unknown-option',
          message: `Option ${word} belongs to no match: add -m MODULE before it.`,
        });
      }
      i = vEnd;
      continue;
    }
    // A stray word: iptables says "Bad argument".
    problems.push({
      span: span(line, t), severity: 'error', code: 'bad-argument',
      message: `Bad argument \`${word}': iptables would refuse this rule.`,
    });
    i++;
  }
  if (negateNext) {
    problems.push({ span: span(line, negateNext), severity: 'error', code: 'bad-negation', message: '"!" at the end of the rule negates nothing.' });
  }
  return { matches, target, counters, comments, problems };
}
