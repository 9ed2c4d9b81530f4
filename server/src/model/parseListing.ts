import { finishTable, newChain } from './finishTable';
import { PROTOCOL_NAMES } from './listingNames';
import { ListingRule, type RowColumns, type RowWord } from './listingRule';
import { tableFromBuiltins, tableFromCommand } from './parseSave';
import { lineSpan } from './span';
import {
  ALL_BUILTIN_CHAIN_NAMES, isBuiltinChain,
  type Chain, type Counters, type Family, type Problem, type Ruleset, type Span, type Table,
} from './types';

/**
 * A shell prompt (or none) and the iptables command that printed what follows:
 * `[root@host ~]# iptables -t nat -nvL`, `# iptables -L -n`, `$ sudo ip6tables -nvL`,
 * `### iptables -t raw -nvL`. Group 1 is the program, group 2 its arguments.
 */
export const PROMPT = /^\s*(?:\[[^\]]*\]\s*[#$%>]+|[\w.@:~/-]*[#$%>]+)?\s*(?:sudo\s+(?:-\S+\s+)*)?(?:timeout\s+\S+\s+)?(?:\S*\/)?(ip6?tables(?:-legacy|-nft)?(?:-save)?)(?=\s|$)(.*)$/;
const CHAIN_HEADER = /^Chain (\S+) \((?:policy (\S+)(?: (\S+) packets, (\S+) bytes)?|(\d+) references?)\)/;
const COLUMN_HEADER = /^\s*(num\s+)?(pkts\s+bytes\s+)?target\s+prot\s+opt\s+(in\s+out\s+)?source\s+destination\s*$/;
const COUNT = /^(\d+)([KMGTP]?)$/;
const HOOK_ORDER: Record<string, number> = { PREROUTING: 0, INPUT: 1, FORWARD: 2, OUTPUT: 3, POSTROUTING: 4 };
const KNOWN_PROTOCOLS = new Set([...Object.values(PROTOCOL_NAMES), 'all', 'icmpv6', 'mh']);

/** Which optional columns the listing has: `--line-numbers`, `-v` counters and interfaces. */
interface Layout {
  num: boolean;
  counters: boolean;
  ifaces: boolean;
}

const GUESSES: Layout[] = [
  { num: false, counters: true, ifaces: true },
  { num: true, counters: true, ifaces: true },
  { num: false, counters: false, ifaces: false },
  { num: true, counters: false, ifaces: false },
];

/** One run of chains printed by one command (or read as one table). */
interface Block {
  table: Table;
  hint: string | null;
  /** Highest hook position of a built-in chain seen so far, to notice where the next table starts. */
  maxHook: number;
  /** Built-in chains seen (their headers carry a policy). */
  builtins: string[];
  firstHeader: Span | null;
  lastLine: number;
}

type Word = RowWord;

/** The first `max` blank-separated words of a line, with offsets. */
function leadingWords(line: string, max: number): Word[] {
  const words: Word[] = [];
  let i = 0;
  const n = line.length;
  while (i < n && words.length < max) {
    let c = line.charCodeAt(i);
    while (i < n && (c === 32 || c === 9)) c = line.charCodeAt(++i);
    if (i >= n) break;
    const s = i;
    while (i < n && c !== 32 && c !== 9) c = line.charCodeAt(++i);
    words.push({ s, e: i, t: line.slice(s, i) });
  }
  return words;
}

/** `1235K` → 1235000, approximate; plain digits are exact. */
function parseCount(text: string): { value: number; approximate: boolean } | null {
  const m = COUNT.exec(text);
  if (!m) return null;
  const scale = m[2] ? 1000 ** ('KMGTP'.indexOf(m[2]) + 1) : 1;
  return { value: Number(m[1]) * scale, approximate: m[2] !== '' };
}

function counters(p: string, b: string): Counters | null {
  const pk = parseCount(p);
  const by = parseCount(b);
  if (!pk || !by) return null;
  const c: Counters = { packets: pk.value, bytes: by.value };
  if (pk.approximate || by.approximate) c.approximate = true;
  return c;
}

function isOpt(t: string | undefined): boolean {
  return t === '--' || t === '-f' || t === '!f';
}

function looksProtocol(t: string | undefined): boolean {
  if (t === undefined) return false;
  const p = t.startsWith('!') ? t.slice(1) : t;
  return /^\d+$/.test(p) || KNOWN_PROTOCOLS.has(p);
}

type Row = RowColumns;

/** The columns of a row, anchored on the opt column; null when the line is not a row in this layout. */
function splitRow(words: Word[], layout: Layout): Row | null {
  let i = 0;
  let num: Word | null = null;
  let pkts: Word | null = null;
  let bytes: Word | null = null;
  if (layout.num) {
    num = words[i++];
    if (!num || !/^\d+$/.test(num.t)) return null;
  }
  if (layout.counters) {
    pkts = words[i++];
    bytes = words[i++];
    if (!pkts || !bytes || !COUNT.test(pkts.t) || !COUNT.test(bytes.t)) return null;
  }
  let target: Word | null = null;
  let prot: Word;
  let opt: Word | null = null;
  const rest = layout.ifaces ? 4 : 2;
  // Anchor on the opt column: the target column may be blank, and long names push later columns over.
  if (isOpt(words[i + 2]?.t)) {
    target = words[i];
    prot = words[i + 1];
    opt = words[i + 2];
    i += 3;
  } else if (isOpt(words[i + 1]?.t)) {
    prot = words[i];
    opt = words[i + 1];
    i += 2;
  } else if (looksProtocol(words[i + 1]?.t) && !looksProtocol(words[i]?.t) && words.length >= i + 2 + rest) {
    // ip6tables before 1.8.9 printed a blank opt column.
    target = words[i];
    prot = words[i + 1];
    i += 2;
  } else if (looksProtocol(words[i]?.t) && words.length >= i + 1 + rest) {
    prot = words[i];
    i += 1;
  } else return null;
  let inIface: Word | null = null;
  let outIface: Word | null = null;
  if (layout.ifaces) {
    inIface = words[i++];
    outIface = words[i++];
  }
  const source = words[i++];
  const destination = words[i++];
  if (!source || !destination || !prot) return null;
  return { num, pkts, bytes, target, prot, opt, inIface, outIface, source, destination };
}

/**
 * Parses `iptables -L` output in any mix of `-n`, `-v`, `-x` and
 * `--line-numbers`: one chain or whole tables, several tables pasted one
 * after another, with or without the shell prompts and commands that printed
 * them. A prompt starts a new table and names it (`-t nat`); otherwise the
 * table is read from the built-in chains present, with a hint where that stays
 * ambiguous. Lines that are neither prompts, headers nor rows (notes pasted in
 * between) are reported as information and skipped. Never throws.
 */
export function parseListing(text: string): Ruleset {
  const lines = text.split('\n');
  const problems: Problem[] = [];
  const blocks: Block[] = [];
  let family: Family | null = null;
  let sawIpv6Address = false;
  let block: Block | null = null;
  let chain: Chain | null = null;
  let layout: Layout | null = null;

  const openBlock = (hint: string | null, nameSpan: Span | null, line: number): Block => {
    const table: Table = {
      name: hint ?? 'filter', nameSpan, span: lineSpan(line, 0, 0), chains: [], chainsByName: new Map(), commitSpan: null,
      tableSource: hint ? 'command' : 'default',
    };
    const b: Block = { table, hint, maxHook: -1, builtins: [], firstHeader: null, lastLine: line };
    blocks.push(b);
    return b;
  };

  const unrecognized = (ln: number, raw: string, message: string) => {
    const start = raw.length - raw.trimStart().length;
    problems.push({ span: lineSpan(ln, start, raw.trimEnd().length), severity: 'information', code: 'unrecognized-line', message });
  };

  for (let ln = 0; ln < lines.length; ln++) {
    let raw = lines[ln];
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const trimmedEnd = raw.trimEnd().length;
    if (trimmedEnd === 0) continue;

    if (raw.startsWith('Chain ')) {
      const h = CHAIN_HEADER.exec(raw);
      if (h) {
        const name = h[1];
        const hasPolicy = h[2] !== undefined;
        const hook = hasPolicy ? HOOK_ORDER[name] ?? -1 : -1;
        if (
          !block || block.table.chainsByName.has(name) ||
          (block.hint === null && hook >= 0 && hook <= block.maxHook)
        ) {
          block = openBlock(null, null, ln);
        }
        const declSpan = lineSpan(ln, 0, trimmedEnd);
        const c = newChain(name, block.table.name, hasPolicy, declSpan);
        c.declSpan = declSpan;
        c.nameSpan = lineSpan(ln, 6, 6 + name.length);
        if (hasPolicy) {
          c.policy = h[2];
          const at = raw.indexOf('(policy ') + 8;
          c.policySpan = lineSpan(ln, at, at + h[2].length);
          if (h[3] !== undefined && h[4] !== undefined) c.counters = counters(h[3], h[4]);
          if (ALL_BUILTIN_CHAIN_NAMES.has(name)) block.builtins.push(name);
          if (hook > block.maxHook) block.maxHook = hook;
        } else {
          c.listedReferences = Number(h[5]);
        }
        block.table.chains.push(c);
        block.table.chainsByName.set(name, c);
        if (!block.firstHeader) block.firstHeader = c.nameSpan;
        block.lastLine = ln;
        chain = c;
        continue;
      }
    }

    const col = raw.includes('target') ? COLUMN_HEADER.exec(raw) : null;
    if (col) {
      layout = { num: col[1] !== undefined, counters: col[2] !== undefined, ifaces: col[3] !== undefined };
      if (chain) {
        chain.span = { line: chain.span.line, start: 0, endLine: ln, end: trimmedEnd };
        if (block) block.lastLine = ln;
      }
      continue;
    }

    const prompt = raw.includes('tables') ? PROMPT.exec(raw) : null;
    if (prompt) {
      if (prompt[1].startsWith('ip6')) family = family ?? 'ipv6';
      else family = family ?? 'ipv4';
      const args = prompt[2];
      const named = tableFromCommand(args);
      let nameSpan: Span | null = null;
      if (named) {
        const argsStart = raw.length - args.length;
        const m = /(?:^|\s)(?:-t\s*|--table[=\s]\s*)(\w+)/.exec(args);
        if (m) {
          const at = argsStart + m.index + m[0].length - m[1].length;
          nameSpan = lineSpan(ln, at, at + m[1].length);
        }
      }
      block = openBlock(named ?? 'filter', nameSpan, ln);
      chain = null;
      continue;
    }

    if (!chain || !block) {
      unrecognized(ln, raw, 'This line is not part of an iptables listing (no `Chain …` header above it); it is skipped.');
      continue;
    }

    const words = leadingWords(raw, 12);
    let row: Row | null = null;
    if (layout) row = splitRow(words, layout);
    else {
      for (const guess of GUESSES) {
        row = splitRow(words, guess);
        if (row) {
          layout = guess;
          break;
        }
      }
    }
    if (!row) {
      unrecognized(ln, raw, 'This line is not a rule row of the listing; it is skipped.');
      continue;
    }

    if (!sawIpv6Address && (row.source.t.includes(':') || row.destination.t.includes(':'))) sawIpv6Address = true;
    const rule = new ListingRule(
      block.table.name, chain.name, lineSpan(ln, words[0].s, trimmedEnd),
      row.pkts && row.bytes ? counters(row.pkts.t, row.bytes.t) : null, raw, row,
    );
    chain.rules.push(rule);
    chain.span = { line: chain.span.line, start: 0, endLine: ln, end: trimmedEnd };
    block.lastLine = ln;
  }

  // Name each table, then join runs of one table printed chain by chain.
  const tables: Table[] = [];
  for (const b of blocks) {
    const t = b.table;
    if (t.chains.length === 0) continue;
    if (b.hint === null) {
      const guess = tableFromBuiltins(b.builtins);
      t.name = guess.table;
      t.tableSource = b.builtins.length ? 'builtin-chains' : 'default';
      if (guess.ambiguous) {
        problems.push({
          span: b.firstHeader ?? lineSpan(t.chains[0].span.line, 0, 0), severity: 'hint', code: 'ambiguous-table',
          message: b.builtins.length
            ? `The chains ${b.builtins.join(', ')} fit more than one table; read as table ${guess.table}. Paste the command line (iptables -t TABLE -L …) above the listing to say which.`
            : `No built-in chain says which table this is; read as table ${guess.table}. Paste the command line (iptables -t TABLE -L …) above the listing to say which.`,
          data: { table: guess.table },
        });
      }
    }
    const first = t.nameSpan?.line ?? t.span.line;
    t.span = { line: Math.min(first, t.chains[0].span.line), start: 0, endLine: b.lastLine, end: (lines[b.lastLine] ?? '').replace(/\s+$/, '').length };
    const prev = tables[tables.length - 1];
    if (prev && prev.name === t.name && !t.chains.some((c) => prev.chainsByName.has(c.name))) {
      for (const c of t.chains) {
        prev.chains.push(c);
        prev.chainsByName.set(c.name, c);
      }
      prev.span = { line: prev.span.line, start: prev.span.start, endLine: t.span.endLine, end: t.span.end };
      continue;
    }
    tables.push(t);
  }
  for (const t of tables) {
    for (const c of t.chains) {
      c.table = t.name;
      c.builtin = c.policy !== null || isBuiltinChain(t.name, c.name);
      for (const r of c.rules) r.table = t.name;
    }
    finishTable(t, false);
  }
  return {
    family: family ?? (sawIpv6Address ? 'ipv6' : 'ipv4'), format: 'listing', tables, problems, lineCount: lines.length,
  };
}
