import { lineSpan } from './span';
import type { Token } from './tokenize';
import type { Counters, Match, Option, Problem, Span, Target } from './types';

/** Generic options of a rule and the match module each becomes. */
const GENERIC: Record<string, string> = {
  '-s': 'source', '--source': 'source', '--src': 'source',
  '-d': 'destination', '--destination': 'destination', '--dst': 'destination',
  '-i': 'in-interface', '--in-interface': 'in-interface',
  '-o': 'out-interface', '--out-interface': 'out-interface',
  '-p': 'protocol', '--protocol': 'protocol',
  '-f': 'fragment', '--fragment': 'fragment',
};

/** The match module a `-p` value implies for options written without `-m`. */
const PROTOCOL_MODULE: Record<string, string> = {
  tcp: 'tcp', '6': 'tcp', udp: 'udp', '17': 'udp', icmp: 'icmp', '1': 'icmp',
  icmpv6: 'icmp6', 'ipv6-icmp': 'icmp6', icmp6: 'icmp6', '58': 'icmp6',
  sctp: 'sctp', '132': 'sctp', dccp: 'dccp', '33': 'dccp', udplite: 'udplite', '136': 'udplite',
};

export interface RuleArgs {
  matches: Match[];
  /** Target as written; its kind is settled later, once the table's chains are known. */
  target: Target | null;
  counters: Counters | null;
  comments: string[];
  problems: Problem[];
}

function isOptionWord(t: Token): boolean {
  if (t.quoted) return false;
  const s = t.text;
  return (s.length > 1 && s.charCodeAt(0) === 45 /* - */ && !/^-\d/.test(s)) || s === '!';
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
  const comments: string[] = [];
  const problems: Problem[] = [];
  let target: Target | null = null;
  let counters: Counters | null = null;
  // Where options without a preceding -m go: the last explicit match, or the target.
  let current: Match | Target | null = null;
  let protocol: string | null = null;
  let implicit: Match | null = null;
  let negateNext: Token | null = null;

  const n = tokens.length;
  let i = from;

  const readValues = (k: number): number => {
    let j = k;
    while (j < n && !isOptionWord(tokens[j])) j++;
    return j;
  };

  const closeMatch = (m: Match | Target | null, lastToken: Token) => {
    if (!m) return;
    m.span = lineSpan(line, m.span.start, Math.max(m.span.end, lastToken.end));
    if ('module' in m) m.text = lineText.slice(m.span.start, m.span.end);
  };

  let lastTok: Token | null = null;
  while (i < n) {
    const t = tokens[i];
    const word = t.text;
    if (word === '!' && !t.quoted) {
      negateNext = t;
      i++;
      continue;
    }
    const generic = t.quoted ? undefined : GENERIC[word];
    if (generic) {
      const negated = negateNext !== null;
      const startTok = negateNext ?? t;
      negateNext = null;
      if (generic === 'fragment') {
        const m: Match = {
          module: 'fragment', implicit: true, negated, options: [],
          span: span(line, startTok, t), moduleSpan: null, text: lineText.slice(startTok.start, t.end),
        };
        matches.push(m);
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
      const opt: Option = {
        name: generic, value: valTok ? valTok.text : null, values: valTok ? [valTok.text] : [],
        negated: negated || negatedInside,
        span: span(line, startTok, endTok), nameSpan: span(line, t),
        valueSpan: valTok ? span(line, valTok) : null,
      };
      if (!valTok) {
        problems.push({
          span: span(line, t), severity: 'error', code: 'missing-value',
          message: `Option ${word} needs a value.`,
        });
      }
      matches.push({
        module: generic, implicit: true, negated: negated || negatedInside, options: [opt],
        span: opt.span, moduleSpan: null, text: lineText.slice(opt.span.start, opt.span.end),
      });
      if (generic === 'protocol' && valTok) protocol = valTok.text.toLowerCase();
      lastTok = endTok;
      i = valTok ? vEnd + 1 : vEnd;
      continue;
    }
    if (!t.quoted && (word === '-m' || word === '--match')) {
      closeMatch(current, lastTok ?? t);
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
      const m: Match = {
        module: modTok.text, implicit: false, negated: false, options: [],
        span: span(line, t, modTok), moduleSpan: span(line, modTok), text: '',
      };
      matches.push(m);
      current = m;
      lastTok = modTok;
      i += 2;
      continue;
    }
    if (!t.quoted && (word === '-j' || word === '--jump' || word === '-g' || word === '--goto')) {
      closeMatch(current, lastTok ?? t);
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
      const goto = word === '-g' || word === '--goto';
      target = {
        name: nameTok.text, kind: goto ? 'goto' : 'jump', goto, options: [],
        span: span(line, t, nameTok), nameSpan: span(line, nameTok),
      };
      current = target;
      lastTok = nameTok;
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
      // An option of the current match or target.
      let owner: Match | Target | null = current;
      {
        if (!owner && protocol && PROTOCOL_MODULE[protocol]) {
          if (!implicit) {
            implicit = {
              module: PROTOCOL_MODULE[protocol], implicit: true, negated: false, options: [],
              span: span(line, negateNext ?? t), moduleSpan: null, text: '',
            };
            matches.push(implicit);
          }
          owner = implicit;
          current = implicit;
        }
      }
      const startTok = negateNext ?? t;
      let negated = negateNext !== null;
      negateNext = null;
      let k = i + 1;
      if (k < n && tokens[k].text === '!' && !tokens[k].quoted) {
        negated = true;
        k++;
      }
      const vEnd = readValues(k);
      const valueToks = tokens.slice(k, vEnd);
      const endTok = valueToks.length ? valueToks[valueToks.length - 1] : t;
      const values = valueToks.map((v) => v.text);
      const opt: Option = {
        name: word.slice(2), value: values.length ? values.join(' ') : null, values, negated,
        span: span(line, startTok, endTok), nameSpan: span(line, t),
        valueSpan: valueToks.length ? span(line, valueToks[0], endTok) : null,
      };
      if (owner) {
        owner.options.push(opt);
        if ('module' in owner && owner.module === 'comment' && opt.name === 'comment' && opt.value !== null) {
          comments.push(opt.value);
        }
      } else {
        problems.push({
          span: opt.nameSpan, severity: 'error', code: 'unknown-option',
          message: `Option ${word} belongs to no match: add -m MODULE before it.`,
        });
      }
      lastTok = endTok;
      i = vEnd;
      continue;
    }
    // A stray word: iptables says "Bad argument".
    problems.push({
      span: span(line, t), severity: 'error', code: 'bad-argument',
      message: `Bad argument \`${word}': iptables would refuse this rule.`,
    });
    lastTok = t;
    i++;
  }
  if (negateNext) {
    problems.push({ span: span(line, negateNext), severity: 'error', code: 'bad-negation', message: '"!" at the end of the rule negates nothing.' });
  }
  if (lastTok) closeMatch(current, lastTok);
  if (implicit && implicit !== current && lastTok) {
    // Implicit match options are recorded as they come; its span runs to its last option.
    const last = implicit.options[implicit.options.length - 1];
    if (last) {
      implicit.span = lineSpan(line, implicit.span.start, last.span.end);
      implicit.text = lineText.slice(implicit.span.start, implicit.span.end);
    }
  }
  if (target && target.options.length) {
    const last = target.options[target.options.length - 1];
    target.span = lineSpan(line, target.span.start, last.span.end);
  }
  return { matches, target, counters, comments, problems };
}
