import { ICMP6_TYPES, ICMP_TYPES, numericPorts, tcpFlagNames } from './listingNames';
import { lineSpan } from './span';
import { TARGET_EXTENSION_NAMES } from './targetNames';
import type { Match, Option, Span } from './types';
import { keyed } from './keyed';

/**
 * Reads the free text after the destination column of an `iptables -L` row
 * (the print routines of every match, then the target's) into the matches
 * and target options `iptables-save` would have written for the same rule:
 * `tcp dpt:8080` becomes a `tcp` match with `dport 8080`, `MARK or 0x4000`
 * becomes `set-xmark 0x4000/0x4000`. Extensions it does not know in detail
 * become matches named after their best-guess module (or `unknown`) that
 * keep their span and text. Pure and linear in the length of the text.
 */
export interface ListingText {
  matches: Match[];
  targetOptions: Option[];
  /** The text began with `[goto]`: the target column names a chain gone to, not jumped to. */
  goto: boolean;
  /** `-j NOTRACK`, which lists as target `CT` with the text `NOTRACK`. */
  notrack: boolean;
  comments: string[];
}

interface Word {
  s: number;
  e: number;
  t: string;
}

const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);
const CT_OPTIONS = new Set([
  'ctstate', 'ctproto', 'ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'ctorigsrcport', 'ctorigdstport',
  'ctreplsrcport', 'ctrepldstport', 'ctstatus', 'ctexpire', 'ctdir',
]);
/** Words that start a match print whatever follows them. */
const STARTERS = new Set([
  ...PORT_MODULES, ...CT_OPTIONS, 'multiport', 'icmptype', 'icmp', 'ipv6-icmptype', 'ipv6-icmp', 'state', '/*',
  'ADDRTYPE', 'statistic', 'limit:', 'match-set', 'PHYSDEV', 'owner', 'incl.', '[goto]',
]);
/** Words that start a match print only when the next word agrees. */
const PAIR_STARTERS: Record<string, string> = keyed({
  mark: 'match', connmark: 'match', MARK: 'match', CONNMARK: 'match', source: 'IP', destination: 'IP',
  TTL: 'match', HL: 'match', STRING: 'match', DSCP: 'match', helper: 'match', policy: 'match', ECN: 'match',
  tcpmss: 'match', OS: 'fingerprint', rateest: 'match', match: 'bpf',
});
/** Matches recognised by their first word but kept as text: word → module. */
const GUESSED: Record<string, string> = keyed({
  length: 'length', TTL: 'ttl', HL: 'hl', PKTTYPE: 'pkttype', STRING: 'string', u32: 'u32', DSCP: 'dscp',
  tos: 'tos', helper: 'helper', policy: 'policy', 'recent:': 'recent', TIME: 'time', '#conn': 'connlimit',
  connbytes: 'connbytes', esp: 'esp', ah: 'ah', comp: 'ipcomp', frag: 'frag', rt: 'rt', dst: 'dst', hbh: 'hbh',
  mh: 'mh', ipv6header: 'ipv6header', srh: 'srh', ECN: 'ecn', tcpmss: 'tcpmss', 'quota:': 'quota', cpu: 'cpu',
  match: 'bpf', cluster: 'cluster', connlabel: 'connlabel', OS: 'osf', socket: 'socket', rpfilter: 'rpfilter',
  'src-group': 'devgroup', 'dst-group': 'devgroup', realm: 'realm', rateest: 'rateest', eui64: 'eui64',
  cgroup: 'cgroup', 'nfacct-name': 'nfacct', ipvs: 'ipvs',
});
/** Guessed modules whose text is free enough that only a sure starter ends it. */
const GREEDY = new Set(['policy', 'time', 'recent', 'string', 'u32', 'bpf', 'connbytes', 'helper']);
/** Short words that start a match but also occur inside other matches' text. */
const WEAK = new Set(['esp', 'ah', 'comp', 'dst', 'rt', 'frag', 'hbh', 'mh', 'length', 'cpu', 'tcp', 'udp', 'sctp', 'dccp', 'udplite', 'icmp', 'source', 'destination', 'match', 'state', 'socket']);
/** Words after `! ` that the negated match begins with. */
const NEGATABLE = new Set([
  ...CT_OPTIONS, 'state', 'match-set', 'owner', 'recent:', 'connbytes', 'src-group', 'dst-group', 'realm',
]);
const LOG_LEVELS: Record<string, string> = keyed({
  emerg: '0', alert: '1', crit: '2', err: '3', error: '3', warn: '4', warning: '4', notice: '5', info: '6', debug: '7',
});
const LOG_FLAGS: [number, string][] = [[1, 'log-tcp-sequence'], [2, 'log-tcp-options'], [4, 'log-ip-options'], [8, 'log-uid'], [32, 'log-macdecode']];

function splitWords(line: string, from: number, to: number): Word[] {
  const words: Word[] = [];
  let i = from;
  while (i < to) {
    let c = line.charCodeAt(i);
    while (i < to && (c === 32 || c === 9 || c === 0 || c === 13)) c = line.charCodeAt(++i);
    if (i >= to) break;
    const s = i;
    while (i < to && c !== 32 && c !== 9 && c !== 0 && c !== 13) c = line.charCodeAt(++i);
    words.push({ s, e: i, t: line.slice(s, i) });
  }
  return words;
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

function parseHex(s: string): number | null {
  const v = /^0x[0-9a-f]+$/i.test(s) ? parseInt(s, 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  return Number.isFinite(v) ? v >>> 0 : null;
}

/** The save form `--set-xmark V/M` of the five listing forms of MARK and CONNMARK. */
function xmark(verb: string, value: string): string | null {
  if (verb === 'xset') {
    const [v, m] = value.split('/');
    const vv = parseHex(v);
    const mm = m === undefined ? 0xffffffff : parseHex(m);
    return vv === null || mm === null ? null : `${hex(vv)}/${hex(mm)}`;
  }
  const [v, m] = value.split('/');
  const n = parseHex(v);
  if (n === null) return null;
  switch (verb) {
    case 'set': return m === undefined ? `${hex(n)}/0xffffffff` : `${hex(n)}/${hex(parseHex(m) ?? 0xffffffff)}`;
    case 'or': return `${hex(n)}/${hex(n)}`;
    case 'and': return `0x0/${hex(~n)}`;
    case 'xor': return `${hex(n)}/0x0`;
  }
  return null;
}

/**
 * Parses the listing text of one row, from character `from` of `line` to its
 * end. `targetName` is the target column (null when blank) and decides where
 * the target's own text begins.
 */
export function parseListingText(line: string, from: number, lineNo: number, targetName: string | null): ListingText {
  let end = line.length;
  while (end > from && /\s|\0/.test(line[end - 1])) end--;
  const words = splitWords(line, from, end);
  const n = words.length;
  const matches: Match[] = [];
  const targetOptions: Option[] = [];
  const comments: string[] = [];
  let goto = false;
  let notrack = false;
  const isExtensionTarget = targetName !== null && (TARGET_EXTENSION_NAMES.has(targetName) || targetName === 'NOTRACK');
  const sp = (s: number, e: number): Span => lineSpan(lineNo, s, e);
  const at = (i: number): string => (i < n ? words[i].t : '');

  const makeOption = (name: string, value: string | null, values: string[], negated: boolean, first: Word, last: Word, nameWord: Word | null, valueFrom: number | null, valueTo?: number): Option => ({
    name, value, values, negated,
    span: sp(first.s, last.e),
    nameSpan: nameWord ? sp(nameWord.s, nameWord.e) : sp(first.s, first.e),
    valueSpan: valueFrom === null ? null : sp(valueFrom, valueTo ?? last.e),
  });

  const makeMatch = (module: string, first: Word, moduleWord: Word | null): Match => ({
    module, implicit: false, negated: false, options: [], span: sp(first.s, first.e),
    moduleSpan: moduleWord ? sp(moduleWord.s, moduleWord.e) : null, text: '',
  });

  const close = (m: Match, last: Word | undefined): Match => {
    m.span = sp(m.span.start, Math.max(m.span.end, last ? last.e : m.span.end));
    m.text = line.slice(m.span.start, m.span.end);
    matches.push(m);
    return m;
  };

  /** Whether the target's own print starts at word i. */
  const targetAt = (i: number): boolean => {
    if (i >= n || targetName === null) return false;
    const t = words[i].t;
    const next = at(i + 1);
    switch (targetName) {
      case 'DNAT': case 'SNAT': case 'NETMAP':
        return t.startsWith('to:') || t === 'random' || t === 'persistent' || t === 'random-fully';
      case 'MASQUERADE': return t === 'masq' || t === 'random' || t === 'random-fully';
      case 'REDIRECT': return t === 'redir' || t === 'random';
      case 'REJECT': return t === 'reject-with';
      case 'CT': return t === 'CT' || t === 'NOTRACK';
      case 'NFLOG': return t.startsWith('nflog-');
      case 'SET': return t === 'add-set' || t === 'del-set' || t === 'map-set';
      case 'IDLETIMER': return t.startsWith('timeout:');
      case 'RATEEST': return t === 'name';
    }
    return t === targetName && next !== 'match';
  };

  /** Whether a match print starts at word i (cheap: looks at one or two words). */
  const starterAt = (i: number, strongOnly: boolean): boolean => {
    if (i >= n) return false;
    const t = words[i].t;
    if (strongOnly && WEAK.has(t)) return false;
    if (t === '!') return NEGATABLE.has(at(i + 1));
    if (STARTERS.has(t)) return true;
    const pair = PAIR_STARTERS[t];
    if (pair !== undefined) return at(i + 1) === pair;
    if (GUESSED[t] !== undefined) return true;
    return /^MAC!?[0-9a-fA-F]{2}:/.test(t);
  };

  // Where a comment opened at word i closes: the first " */" followed by the end or by something that starts a print.
  const commentEnd = (i: number): { close: number; next: number } => {
    const open = words[i].s;
    let search = open + 2;
    let fallback = -1;
    // Candidate closes only move right, and so does the word after them: one pass over the row.
    let k = i + 1;
    for (;;) {
      const c = line.indexOf(' */', search);
      if (c < 0 || c + 3 > end) break;
      fallback = c;
      const after = c + 3;
      if (after >= end) break;
      if (line[after] === ' ' || line[after] === '\t') {
        while (k < n && words[k].s < after) k++;
        if (k >= n || starterAt(k, false) || targetAt(k) || words[k].t === '!') return { close: c, next: k };
      }
      search = c + 1;
    }
    if (fallback < 0) return { close: end, next: n };
    let next = i + 1;
    while (next < n && words[next].s < fallback + 3) next++;
    return { close: fallback, next };
  };

  // Each parser takes the index of its first word (after any `!`) and returns the next index.
  const parsePorts = (i: number): number => {
    const kw = words[i];
    const m = makeMatch(kw.t, kw, kw);
    let j = i + 1;
    let last = kw;
    for (; j < n; j++) {
      const w = words[j];
      const p = /^(s|d)pts?:(!?)(.*)$/.exec(w.t);
      if (p) {
        const colon = w.t.indexOf(':');
        const value = numericPorts(p[3]);
        m.options.push(makeOption(p[1] === 's' ? 'sport' : 'dport', value, [value], p[2] === '!', w, w, { s: w.s, e: w.s + colon, t: '' }, w.s + colon + 1 + p[2].length));
        last = w;
        continue;
      }
      const f = /^flags:(!?)([^/]+)\/(.+)$/.exec(w.t);
      if (f) {
        const names = [f[2], f[3]].map((x) => (/^0x[0-9a-f]+$/i.test(x) ? tcpFlagNames(parseInt(x, 16)) : x));
        m.options.push(makeOption('tcp-flags', names.join(' '), names, f[1] === '!', w, w, { s: w.s, e: w.s + 5, t: '' }, w.s + 6 + f[1].length));
        last = w;
        continue;
      }
      const o = /^option=(!?)(\d+)$/.exec(w.t);
      if (o) {
        const name = kw.t === 'dccp' ? 'dccp-option' : 'tcp-option';
        m.options.push(makeOption(name, o[2], [o[2]], o[1] === '!', w, w, { s: w.s, e: w.s + 6, t: '' }, w.s + 7 + o[1].length));
        last = w;
        continue;
      }
      if (kw.t === 'sctp' && (w.t === 'any' || w.t === 'all' || w.t === 'only' || (w.t === '!' && /^(any|all|only)$/.test(at(j + 1))))) {
        const neg = w.t === '!';
        const modeW = neg ? words[j + 1] : w;
        const valW = neg ? words[j + 2] : words[j + 1];
        if (!valW) break;
        m.options.push(makeOption('chunk-types', `${modeW.t} ${valW.t}`, [modeW.t, valW.t], neg, w, valW, modeW, modeW.s));
        last = valW;
        j += neg ? 2 : 1;
        continue;
      }
      if (kw.t === 'dccp' && /^!?[0-9A-Z,]+$/.test(w.t) && !starterAt(j, false) && !targetAt(j)) {
        const neg = w.t.startsWith('!');
        const v = w.t.slice(neg ? 1 : 0);
        m.options.push(makeOption('dccp-types', v, [v], neg, w, w, w, w.s + (neg ? 1 : 0)));
        last = w;
        continue;
      }
      break;
    }
    close(m, last);
    return j;
  };

  const parseMultiport = (i: number): number => {
    const kw = words[i];
    const m = makeMatch('multiport', kw, kw);
    let j = i + 1;
    let last = kw;
    while (j < n && /^(sports|dports|ports)$/.test(words[j].t)) {
      const nameW = words[j];
      let valW = words[j + 1];
      let neg = false;
      let k = j + 1;
      if (valW && valW.t === '!') {
        neg = true;
        valW = words[j + 2];
        k++;
      }
      if (!valW) break;
      let raw = valW.t;
      let vs = valW.s;
      if (raw.startsWith('!')) {
        neg = true;
        raw = raw.slice(1);
        vs++;
      }
      const v = numericPorts(raw);
      m.options.push(makeOption(nameW.t, v, [v], neg, nameW, valW, nameW, vs));
      last = valW;
      j = k + 1;
    }
    close(m, last);
    return j;
  };

  const parseIcmp = (i: number, v6: boolean): number => {
    const kw = words[i];
    const m = makeMatch(v6 ? 'icmp6' : 'icmp', kw, kw);
    const optName = v6 ? 'icmpv6-type' : 'icmp-type';
    const names = v6 ? ICMP6_TYPES : ICMP_TYPES;
    let j = i + 1;
    let last = kw;
    let neg = false;
    let typeW: Word | undefined;
    if (kw.t.endsWith('icmptype')) typeW = words[j];
    else if (at(j) === '!type') {
      neg = true;
      typeW = words[j + 1];
      j++;
    } else if (j < n && !starterAt(j, false) && !targetAt(j)) {
      // Without -n: `icmp echo-request`, `icmp !echo-reply`.
      const w = words[j];
      neg = w.t.startsWith('!');
      const name = w.t.slice(neg ? 1 : 0);
      const value = names[name] ?? name;
      m.options.push(makeOption(optName, value, [value], neg, w, w, null, w.s + (neg ? 1 : 0)));
      close(m, w);
      return j + 1;
    }
    if (!typeW) {
      close(m, last);
      return j;
    }
    let value = typeW.t === '255' && !v6 ? 'any' : typeW.t;
    last = typeW;
    j++;
    if (at(j) === 'code' && j + 1 < n) {
      value += '/' + words[j + 1].t;
      last = words[j + 1];
      j += 2;
    }
    m.options.push(makeOption(optName, value, [value], neg, kw.t.endsWith('icmptype') ? kw : words[i + 1], last, null, typeW.s));
    close(m, last);
    return j;
  };

  /** `name value` pairs with optional `! ` before each; consecutive ones of one module share a match. */
  const parseKeyValues = (i: number, neg0: Word | null, module: string, keys: Set<string>): number => {
    const first = neg0 ?? words[i];
    const m = makeMatch(module, first, null);
    let j = i;
    let neg: Word | null = neg0;
    let last = first;
    while (j < n) {
      const w = words[j];
      if (w.t === '!' && keys.has(at(j + 1))) {
        neg = w;
        j++;
        continue;
      }
      if (!keys.has(w.t) || j + 1 >= n) break;
      const valW = words[j + 1];
      m.options.push(makeOption(w.t, valW.t, [valW.t], neg !== null, neg ?? w, valW, w, valW.s));
      neg = null;
      last = valW;
      j += 2;
    }
    close(m, last);
    return j;
  };

  /** `mark match [!] V`, `connmark match [!] V`. */
  const parseMark = (i: number, module: string): number => {
    const kw = words[i];
    const m = makeMatch(module, kw, kw);
    let j = i + 2;
    let neg = false;
    if (at(j) === '!') {
      neg = true;
      j++;
    }
    const valW = words[j];
    if (!valW) {
      close(m, words[i + 1]);
      return j;
    }
    let v = valW.t;
    let vs = valW.s;
    if (v.startsWith('!')) {
      neg = true;
      v = v.slice(1);
      vs++;
    }
    m.options.push(makeOption('mark', v, [v], neg, words[i + 1], valW, words[i + 1], vs));
    close(m, valW);
    return j + 1;
  };

  const parseAddrtype = (i: number): number => {
    const kw = words[i];
    const m = makeMatch('addrtype', kw, kw);
    let j = i + 2;
    let last = words[i + 1] ?? kw;
    while (j < n) {
      const w = words[j];
      if ((w.t === 'src-type' || w.t === 'dst-type') && j + 1 < n) {
        const valW = words[j + 1];
        const neg = valW.t.startsWith('!');
        const v = valW.t.slice(neg ? 1 : 0);
        m.options.push(makeOption(w.t, v, [v], neg, w, valW, w, valW.s + (neg ? 1 : 0)));
        last = valW;
        j += 2;
      } else if (w.t === 'limit-in' || w.t === 'limit-out') {
        m.options.push(makeOption(w.t === 'limit-in' ? 'limit-iface-in' : 'limit-iface-out', null, [], false, w, w, w, null));
        last = w;
        j++;
      } else break;
    }
    close(m, last);
    return j;
  };

  const parseStatistic = (i: number): number => {
    const kw = words[i];
    const m = makeMatch('statistic', kw, kw);
    let j = i + 1;
    let last = kw;
    let neg: Word | null = null;
    while (j < n) {
      const w = words[j];
      if (w.t === '!' && /^(probability|every|packet)$/.test(at(j + 1))) {
        neg = w;
        j++;
        continue;
      }
      if (/^(mode|probability|every|packet)$/.test(w.t) && j + 1 < n) {
        const valW = words[j + 1];
        m.options.push(makeOption(w.t, valW.t, [valW.t], neg !== null, neg ?? w, valW, w, valW.s));
        neg = null;
        last = valW;
        j += 2;
      } else break;
    }
    const mode = m.options.find((o) => o.name === 'mode');
    if (mode?.value === 'nth' && !m.options.some((o) => o.name === 'packet')) {
      // The listing leaves out `packet 0`; iptables-save always prints it for nth mode.
      m.options.push({ ...mode, name: 'packet', value: '0', values: ['0'], negated: false });
    }
    close(m, last);
    return j;
  };

  const HASHLIMIT_KEYS: Record<string, string> = keyed({
    burst: 'hashlimit-burst', mode: 'hashlimit-mode', 'htable-size': 'hashlimit-htable-size',
    'htable-max': 'hashlimit-htable-max', 'htable-expire': 'hashlimit-htable-expire',
    'htable-gcinterval': 'hashlimit-htable-gcinterval', srcmask: 'hashlimit-srcmask', dstmask: 'hashlimit-dstmask',
    'rate-interval': 'hashlimit-rate-interval',
  });

  const parseLimit = (i: number): number => {
    const kw = words[i];
    let j = i + 1;
    if (at(j) === 'avg') {
      const m = makeMatch('limit', kw, kw);
      let last = kw;
      if (j + 1 < n) {
        const v = words[j + 1];
        m.options.push(makeOption('limit', v.t, [v.t], false, words[j], v, words[j], v.s));
        last = v;
        j += 2;
      }
      if (at(j) === 'burst' && j + 1 < n) {
        const v = words[j + 1];
        // iptables-save leaves out the default burst of 5.
        if (v.t !== '5') m.options.push(makeOption('limit-burst', v.t, [v.t], false, words[j], v, words[j], v.s));
        last = v;
        j += 2;
      }
      close(m, last);
      return j;
    }
    const m = makeMatch('hashlimit', kw, kw);
    let last = kw;
    if (at(j) === 'up' && at(j + 1) === 'to' && j + 2 < n) {
      const v = words[j + 2];
      m.options.push(makeOption('hashlimit-upto', v.t, [v.t], false, words[j], v, { s: words[j].s, e: words[j + 1].e, t: '' }, v.s));
      last = v;
      j += 3;
    } else if (at(j) === 'above' && j + 1 < n) {
      const v = words[j + 1];
      m.options.push(makeOption('hashlimit-above', v.t, [v.t], false, words[j], v, words[j], v.s));
      last = v;
      j += 2;
    }
    while (j < n) {
      const w = words[j];
      if (w.t === 'rate-match') {
        m.options.push(makeOption('hashlimit-rate-match', null, [], false, w, w, w, null));
        last = w;
        j++;
        continue;
      }
      const name = HASHLIMIT_KEYS[w.t];
      if (name === undefined || j + 1 >= n) break;
      const v = words[j + 1];
      const value = w.t === 'mode' ? v.t.split('-').join(',') : v.t;
      m.options.push(makeOption(name, value, [value], false, w, v, w, v.s));
      last = v;
      j += 2;
    }
    close(m, last);
    return j;
  };

  const parseSet = (i: number, neg0: Word | null): number => {
    const kw = words[i];
    const m = makeMatch('set', neg0 ?? kw, null);
    let j = i + 1;
    let last = kw;
    if (j + 1 < n) {
      const a = words[j];
      const b = words[j + 1];
      m.options.push(makeOption('match-set', `${a.t} ${b.t}`, [a.t, b.t], neg0 !== null, neg0 ?? kw, b, kw, a.s));
      last = b;
      j += 2;
    }
    let neg: Word | null = null;
    while (j < n) {
      const w = words[j];
      if (w.t === '!' && /^(update-counters|update-subcounters|(packets|bytes)-(eq|lt|gt))$/.test(at(j + 1))) {
        neg = w;
        j++;
        continue;
      }
      if (w.t === 'return-nomatch' || w.t === 'update-counters' || w.t === 'update-subcounters') {
        m.options.push(makeOption(w.t, null, [], neg !== null, neg ?? w, w, w, null));
      } else if (/^(packets|bytes)-(eq|lt|gt)$/.test(w.t) && j + 1 < n) {
        const v = words[j + 1];
        m.options.push(makeOption(w.t, v.t, [v.t], neg !== null, neg ?? w, v, w, v.s));
        last = v;
        neg = null;
        j += 2;
        continue;
      } else break;
      neg = null;
      last = w;
      j++;
    }
    close(m, last);
    return j;
  };

  const parsePhysdev = (i: number): number => {
    const kw = words[i];
    const m = makeMatch('physdev', kw, kw);
    let j = i + 2;
    let last = words[i + 1] ?? kw;
    let neg: Word | null = null;
    while (j < n) {
      const w = words[j];
      if (w.t === '!' && at(j + 1).startsWith('--physdev-')) {
        neg = w;
        j++;
        continue;
      }
      if (!w.t.startsWith('--physdev-')) break;
      const name = w.t.slice(2);
      if ((name === 'physdev-in' || name === 'physdev-out') && j + 1 < n) {
        const v = words[j + 1];
        m.options.push(makeOption(name, v.t, [v.t], neg !== null, neg ?? w, v, w, v.s));
        last = v;
        j += 2;
      } else {
        m.options.push(makeOption(name, null, [], neg !== null, neg ?? w, w, w, null));
        last = w;
        j++;
      }
      neg = null;
    }
    close(m, last);
    return j;
  };

  const parseIprange = (i: number): number => {
    const m = makeMatch('iprange', words[i], null);
    let j = i;
    let last = words[i];
    while (j + 3 < n && (words[j].t === 'source' || words[j].t === 'destination') && at(j + 1) === 'IP' && at(j + 2) === 'range') {
      const kw = words[j];
      let k = j + 3;
      let neg = false;
      if (at(k) === '!') {
        neg = true;
        k++;
      }
      const v = words[k];
      if (!v) break;
      m.options.push(makeOption(kw.t === 'source' ? 'src-range' : 'dst-range', v.t, [v.t], neg, kw, v, { s: kw.s, e: words[j + 2].e, t: '' }, v.s));
      last = v;
      j = k + 1;
    }
    close(m, last);
    return j;
  };

  const parseMac = (i: number): number => {
    const kw = words[i];
    const m = makeMatch('mac', kw, null);
    if (kw.t !== 'MAC') {
      // Before 1.8.8: `MAC00:11:22:33:44:55`, no space.
      let v = kw.t.slice(3);
      const neg = v.startsWith('!');
      if (neg) v = v.slice(1);
      m.options.push(makeOption('mac-source', v, [v], neg, kw, kw, { s: kw.s, e: kw.s + 3, t: '' }, kw.e - v.length));
      close(m, kw);
      return i + 1;
    }
    let j = i + 1;
    let neg = false;
    if (at(j) === '!') {
      neg = true;
      j++;
    }
    const v = words[j];
    if (!v) {
      close(m, kw);
      return j;
    }
    m.options.push(makeOption('mac-source', v.t, [v.t], neg, kw, v, kw, v.s));
    close(m, v);
    return j + 1;
  };

  const parseOwner = (i: number, neg0: Word | null): number => {
    const m = makeMatch('owner', neg0 ?? words[i], null);
    let j = i;
    let neg: Word | null = neg0;
    let last = words[i];
    while (j < n) {
      const w = words[j];
      if (w.t === '!' && at(j + 1) === 'owner') {
        neg = w;
        j++;
        continue;
      }
      if (w.t === 'owner' && (at(j + 1) === 'UID' || at(j + 1) === 'GID') && at(j + 2) === 'match' && j + 3 < n) {
        const v = words[j + 3];
        m.options.push(makeOption(at(j + 1) === 'UID' ? 'uid-owner' : 'gid-owner', v.t, [v.t], neg !== null, neg ?? w, v, { s: w.s, e: words[j + 2].e, t: '' }, v.s));
        last = v;
        j += 4;
      } else if (w.t === 'owner' && at(j + 1) === 'socket' && at(j + 2) === 'exists') {
        m.options.push(makeOption('socket-exists', null, [], neg !== null, neg ?? w, words[j + 2], { s: w.s, e: words[j + 2].e, t: '' }, null));
        last = words[j + 2];
        j += 3;
      } else if (w.t === 'incl.' && at(j + 1) === 'suppl.' && at(j + 2) === 'groups') {
        m.options.push(makeOption('suppl-groups', null, [], neg !== null, neg ?? w, words[j + 2], { s: w.s, e: words[j + 2].e, t: '' }, null));
        last = words[j + 2];
        j += 3;
      } else break;
      neg = null;
    }
    close(m, last);
    return j;
  };

  const parseComment = (i: number): number => {
    const open = words[i];
    const { close: c, next } = commentEnd(i);
    const valueStart = Math.min(open.s + 3, end);
    const valueEnd = Math.max(valueStart, Math.min(c, end));
    const value = line.slice(valueStart, valueEnd);
    const endCol = Math.max(open.e, Math.min(c + 3, end));
    const m = makeMatch('comment', open, null);
    const last: Word = { s: endCol, e: endCol, t: '' };
    m.options.push(makeOption('comment', value, [value], false, open, last, open, valueStart, valueEnd));
    comments.push(value);
    close(m, last);
    return next;
  };

  /** A match known by its first word only: the text up to the next print that starts, as it stands. */
  const parseGuessed = (i: number, neg0: Word | null, module: string): number => {
    const kw = words[i];
    const m = makeMatch(module, neg0 ?? kw, kw);
    m.negated = neg0 !== null;
    let j = i + 1;
    const greedy = GREEDY.has(module);
    while (j < n && !targetAt(j) && (words[j].t === kw.t || !starterAt(j, greedy))) j++;
    close(m, words[j - 1]);
    return j;
  };

  const parseTarget = (i: number): void => {
    const name = targetName!;
    const opt = (optName: string, value: string | null, first: Word, last: Word, nameWord: Word | null, valueFrom: number | null, valueTo?: number) => {
      targetOptions.push(makeOption(optName, value, value === null ? [] : value.split(' '), false, first, last, nameWord, valueFrom, valueTo));
    };
    let j = i;
    switch (name) {
      case 'DNAT': case 'SNAT': case 'NETMAP': {
        const toName = name === 'DNAT' ? 'to-destination' : name === 'SNAT' ? 'to-source' : 'to';
        for (; j < n; j++) {
          const w = words[j];
          if (w.t.startsWith('to:')) opt(toName, w.t.slice(3), w, w, { s: w.s, e: w.s + 2, t: '' }, w.s + 3);
          else if (w.t === 'random' || w.t === 'persistent' || w.t === 'random-fully') opt(w.t, null, w, w, w, null);
        }
        return;
      }
      case 'MASQUERADE': case 'REDIRECT':
        for (; j < n; j++) {
          const w = words[j];
          if ((w.t === 'masq' || w.t === 'redir') && j + 2 < n) {
            const v = words[j + 2];
            opt('to-ports', v.t, w, v, { s: w.s, e: words[j + 1].e, t: '' }, v.s);
            j += 2;
          } else if (w.t === 'random' || w.t === 'random-fully') opt(w.t, null, w, w, w, null);
        }
        return;
      case 'REJECT':
        if (at(j) === 'reject-with' && j + 1 < n) opt('reject-with', words[j + 1].t, words[j], words[j + 1], words[j], words[j + 1].s);
        return;
      case 'MARK': case 'CONNMARK': {
        j++;
        const verb = words[j];
        if (!verb) return;
        if (/^(set|xset|or|and|xor)$/.test(verb.t) && j + 1 < n) {
          const v = words[j + 1];
          const value = xmark(verb.t, v.t);
          if (value !== null) opt('set-xmark', value, verb, v, verb, v.s);
          return;
        }
        if (name === 'CONNMARK' && (verb.t === 'save' || verb.t === 'restore')) {
          opt(verb.t === 'save' ? 'save-mark' : 'restore-mark', null, verb, verb, verb, null);
          let nf = '0xffffffff';
          let ct = '0xffffffff';
          let nfW: Word = verb;
          let ctW: Word = verb;
          let nfV: Word | null = null;
          let ctV: Word | null = null;
          const rest: [Word, Word][] = [];
          for (j++; j + 1 < n; j += 2) {
            const k = words[j];
            const v = words[j + 1];
            if (k.t === 'mask') {
              nf = ct = v.t;
              nfW = ctW = k;
              nfV = ctV = v;
            } else if (k.t === 'nfmask') {
              nf = v.t;
              nfW = k;
              nfV = v;
            } else if (k.t === 'ctmask') {
              ct = v.t.replace(/^~/, '');
              ctW = k;
              ctV = v;
            } else rest.push([k, v]);
          }
          opt('nfmask', nf, nfW, nfV ?? nfW, nfW, nfV ? nfV.s : null);
          opt('ctmask', ct, ctW, ctV ?? ctW, ctW, ctV ? ctV.s + (ctV.t.startsWith('~') ? 1 : 0) : null);
          for (const [k, v] of rest) opt(k.t, v.t, k, v, k, v.s);
        }
        return;
      }
      case 'LOG': {
        for (j++; j < n; j++) {
          const w = words[j];
          if (w.t === 'flags' && j + 1 < n) {
            const bits = Number(words[j + 1].t);
            for (const [b, flag] of LOG_FLAGS) if (bits & b) opt(flag, null, w, words[j + 1], w, null);
            j++;
          } else if (w.t === 'level' && j + 1 < n) {
            const v = words[j + 1];
            const level = LOG_LEVELS[v.t] ?? v.t;
            // iptables-save leaves out the default level 4.
            if (level !== '4') opt('log-level', level, w, v, w, v.s);
            j++;
          } else if (w.t === 'prefix' && j + 1 < n && words[j + 1].t.startsWith('"')) {
            // The prefix is printed raw between double quotes, and the LOG text ends with it.
            const q = words[j + 1].s;
            const lastQuote = line.lastIndexOf('"', end - 1);
            const value = lastQuote > q ? line.slice(q + 1, lastQuote) : line.slice(q + 1, end);
            targetOptions.push({
              name: 'log-prefix', value, values: [value], negated: false,
              span: sp(w.s, end), nameSpan: sp(w.s, w.e), valueSpan: sp(q + 1, lastQuote > q ? lastQuote : end),
            });
            return;
          } else if (/^(tcp-sequence|tcp-options|ip-options|uid|macdecode)$/.test(w.t)) {
            opt('log-' + w.t, null, w, w, w, null);
          }
        }
        return;
      }
      case 'CT':
        if (at(j) === 'NOTRACK') {
          notrack = true;
          return;
        }
        for (j++; j < n; j++) {
          const w = words[j];
          if (w.t === 'notrack') opt('notrack', null, w, w, w, null);
          else if (/^(helper|timeout|zone|zone-orig|zone-reply|ctevents|expevents)$/.test(w.t) && j + 1 < n) {
            opt(w.t, words[j + 1].t, w, words[j + 1], w, words[j + 1].s);
            j++;
          }
        }
        return;
    }
  };

  let i = 0;
  if (n > 0 && words[0].t === '[goto]') {
    goto = true;
    i = 1;
  }
  /** Reads the match print starting at word i; returns the next word index, or -1 when no known print starts there. */
  const step = (i: number): number => {
    const w = words[i];
    let neg: Word | null = null;
    let k = i;
    if (w.t === '!' && NEGATABLE.has(at(i + 1))) {
      neg = w;
      k = i + 1;
    }
    const t = words[k].t;
    if (t === '/*') {
      return parseComment(k);
    }
    if (CT_OPTIONS.has(t)) {
      return parseKeyValues(k, neg, 'conntrack', CT_OPTIONS);
    }
    if (t === 'state') {
      return parseKeyValues(k, neg, 'state', new Set(['state']));
    }
    if (t === 'match-set') {
      return parseSet(k, neg);
    }
    if (t === 'owner' || t === 'incl.') {
      return parseOwner(k, neg);
    }
    if (neg === null) {
      if (PORT_MODULES.has(t)) {
        return parsePorts(k);
      }
      if (t === 'multiport') {
        return parseMultiport(k);
      }
      if (t === 'icmptype' || t === 'icmp') {
        return parseIcmp(k, false);
      }
      if (t === 'ipv6-icmptype' || t === 'ipv6-icmp') {
        return parseIcmp(k, true);
      }
      const next = at(k + 1);
      if ((t === 'mark' || t === 'MARK') && next === 'match') {
        return parseMark(k, 'mark');
      }
      if ((t === 'connmark' || t === 'CONNMARK') && next === 'match') {
        return parseMark(k, 'connmark');
      }
      if (t === 'ADDRTYPE') {
        return parseAddrtype(k);
      }
      if (t === 'statistic') {
        return parseStatistic(k);
      }
      if (t === 'limit:') {
        return parseLimit(k);
      }
      if (t === 'PHYSDEV' && next === 'match') {
        return parsePhysdev(k);
      }
      if ((t === 'source' || t === 'destination') && next === 'IP' && at(k + 2) === 'range') {
        return parseIprange(k);
      }
      if (t === 'MAC' || (t.startsWith('MAC') && /^MAC!?[0-9a-fA-F]{2}:/.test(t))) {
        return parseMac(k);
      }
    }
    const guessed = GUESSED[t];
    const pair = PAIR_STARTERS[t];
    if (guessed !== undefined && (pair === undefined || at(k + 1) === pair)) {
      return parseGuessed(k, neg, guessed);
    }
    return -1;
  };

  while (i < n) {
    if (targetAt(i)) {
      parseTarget(i);
      break;
    }
    const before = matches.length;
    const next = step(i);
    // Every print read moves on; a word that starts nothing readable joins the unknown text below.
    if (next > i) {
      i = next;
      continue;
    }
    matches.length = before;
    // Nothing known starts here: keep the words up to the next known print.
    let j = i + 1;
    while (j < n && !targetAt(j) && !starterAt(j, false)) j++;
    if (j >= n && isExtensionTarget) break; // the target's own text, in a form we do not take apart
    const m = makeMatch('unknown', words[i], null);
    close(m, words[j - 1]);
    i = j;
  }
  return { matches, targetOptions, goto, notrack, comments };
}
