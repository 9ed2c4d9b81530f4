import { finishTable, newChain } from './finishTable';
import { PROTOCOL_NAMES } from './listingNames';
import {
  COL_BYTES, COL_DESTINATION, COL_IN, COL_NUM, COL_OPT, COL_OUT, COL_PKTS, COL_PROT, COL_SIZE, COL_SOURCE, COL_TARGET,
  countAt, ListingRule,
} from './listingRule';
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
  /** Where the content of the block's last line ends. */
  lastEnd: number;
}

/** Word offsets of the row being read: reused for every row, so reading columns allocates nothing. */
const WS = new Int32Array(12);
const WE = new Int32Array(12);

/** Finds the first `max` blank-separated words of a line into WS/WE; returns how many. */
function scanWords(line: string, from: number, end: number, max: number): number {
  let n = 0;
  let i = from;
  while (i < end && n < max) {
    let c = line.charCodeAt(i);
    while (i < end && (c === 32 || c === 9)) c = line.charCodeAt(++i);
    if (i >= end) break;
    WS[n] = i;
    while (i < end && c !== 32 && c !== 9) c = line.charCodeAt(++i);
    WE[n++] = i;
  }
  return n;
}

function counters(line: string, ps: number, pe: number, bs: number, be: number): Counters | null {
  const pk = countAt(line, ps, pe);
  const by = countAt(line, bs, be);
  if (!pk || !by) return null;
  const c: Counters = { packets: pk.value, bytes: by.value };
  if (pk.approximate || by.approximate) c.approximate = true;
  return c;
}

function isOptAt(line: string, w: number, n: number): boolean {
  if (w >= n || WE[w] - WS[w] !== 2) return false;
  const a = line.charCodeAt(WS[w]);
  const b = line.charCodeAt(WS[w] + 1);
  return (a === 45 && (b === 45 || b === 102)) || (a === 33 && b === 102); // --, -f, !f
}

function looksProtocolAt(line: string, w: number, n: number): boolean {
  if (w >= n) return false;
  let t = line.slice(WS[w], WE[w]);
  if (t.startsWith('!')) t = t.slice(1);
  return /^\d+$/.test(t) || KNOWN_PROTOCOLS.has(t);
}

/**
 * Whether `text` has a colon between `from` and `to`: a search bounded to the
 * row, since a listing without any colon would otherwise be scanned back to
 * its start on every row.
 */
function hasColon(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 58) return true;
  return false;
}

/** Column offsets of rows, COL_SIZE numbers per row, in chunks shared by many rows. */
class ColumnPool {
  /** The chunk the row last reserved lives in. */
  chunk = new Int32Array(COL_SIZE * 4096);
  private used = 0;

  /** Room for one more row in `chunk`, all columns -1; returns the row's base offset. */
  reserve(): number {
    if (this.used + COL_SIZE > this.chunk.length) {
      this.chunk = new Int32Array(COL_SIZE * 4096);
      this.used = 0;
    }
    this.chunk.fill(-1, this.used, this.used + COL_SIZE);
    return this.used;
  }

  /** Keeps the row last reserved. */
  commit(): void {
    this.used += COL_SIZE;
  }
}

/**
 * Writes the column offsets of a row (words in WS/WE, offsets in the whole
 * text) at `base` of `cols`, relative to the line's start, anchored on the
 * opt column; false when the line is not a row in this layout.
 */
function splitRow(line: string, n: number, layout: Layout, cols: Int32Array, base: number, lineStart: number): boolean {
  let i = 0;
  if (layout.num) {
    if (i >= n || !countAt(line, WS[i], WE[i]) || line.charCodeAt(WE[i] - 1) > 57) return false;
    cols[base + COL_NUM] = WS[i] - lineStart;
    cols[base + COL_NUM + 1] = WE[i++] - lineStart;
  }
  if (layout.counters) {
    if (i + 1 >= n || !countAt(line, WS[i], WE[i]) || !countAt(line, WS[i + 1], WE[i + 1])) return false;
    cols[base + COL_PKTS] = WS[i] - lineStart;
    cols[base + COL_PKTS + 1] = WE[i++] - lineStart;
    cols[base + COL_BYTES] = WS[i] - lineStart;
    cols[base + COL_BYTES + 1] = WE[i++] - lineStart;
  }
  const rest = layout.ifaces ? 4 : 2;
  let hasTarget: boolean;
  let hasOpt: boolean;
  // Anchor on the opt column: the target column may be blank, and long names push later columns over.
  if (isOptAt(line, i + 2, n)) {
    hasTarget = true;
    hasOpt = true;
  } else if (isOptAt(line, i + 1, n)) {
    hasTarget = false;
    hasOpt = true;
  } else if (n >= i + 2 + rest && looksProtocolAt(line, i + 1, n) && !looksProtocolAt(line, i, n)) {
    // ip6tables before 1.8.9 printed a blank opt column.
    hasTarget = true;
    hasOpt = false;
  } else if (n >= i + 1 + rest && looksProtocolAt(line, i, n)) {
    hasTarget = false;
    hasOpt = false;
  } else return false;
  if (n < i + (hasTarget ? 1 : 0) + 1 + (hasOpt ? 1 : 0) + rest) return false;
  if (hasTarget) {
    cols[base + COL_TARGET] = WS[i] - lineStart;
    cols[base + COL_TARGET + 1] = WE[i++] - lineStart;
  }
  cols[base + COL_PROT] = WS[i] - lineStart;
  cols[base + COL_PROT + 1] = WE[i++] - lineStart;
  if (hasOpt) {
    cols[base + COL_OPT] = WS[i] - lineStart;
    cols[base + COL_OPT + 1] = WE[i++] - lineStart;
  }
  if (layout.ifaces) {
    cols[base + COL_IN] = WS[i] - lineStart;
    cols[base + COL_IN + 1] = WE[i++] - lineStart;
    cols[base + COL_OUT] = WS[i] - lineStart;
    cols[base + COL_OUT + 1] = WE[i++] - lineStart;
  }
  cols[base + COL_SOURCE] = WS[i] - lineStart;
  cols[base + COL_SOURCE + 1] = WE[i++] - lineStart;
  cols[base + COL_DESTINATION] = WS[i] - lineStart;
  cols[base + COL_DESTINATION + 1] = WE[i] - lineStart;
  return true;
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
  const problems: Problem[] = [];
  const blocks: Block[] = [];
  let family: Family | null = null;
  let sawIpv6Address = false;
  let block: Block | null = null;
  let chain: Chain | null = null;
  let layout: Layout | null = null;
  const pool = new ColumnPool();

  const openBlock = (hint: string | null, nameSpan: Span | null, line: number): Block => {
    const table: Table = {
      name: hint ?? 'filter', nameSpan, span: lineSpan(line, 0, 0), chains: [], chainsByName: new Map(), commitSpan: null,
      tableSource: hint ? 'command' : 'default',
    };
    const b: Block = { table, hint, maxHook: -1, builtins: [], firstHeader: null, lastLine: line, lastEnd: 0 };
    blocks.push(b);
    return b;
  };

  const unrecognized = (ln: number, raw: string, message: string) => {
    const start = raw.length - raw.trimStart().length;
    problems.push({ span: lineSpan(ln, start, raw.length), severity: 'information', code: 'unrecognized-line', message });
  };

  // A chain's span runs to its last header or row line; set once the chain is complete.
  let chainEnd = -1;
  let chainEndCol = 0;
  const closeChain = () => {
    if (chain && chainEnd >= 0) chain.span = { line: chain.span.line, start: 0, endLine: chainEnd, end: chainEndCol };
    chainEnd = -1;
  };

  // Lines are read in place in the text: rows are most of a listing and need no string of their own.
  const length = text.length;
  let ln = -1;
  for (let pos = 0; pos <= length; ) {
    ln++;
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = length;
    const lineStart = pos;
    pos = nl + 1;
    let contentEnd = nl;
    while (contentEnd > lineStart) {
      const c = text.charCodeAt(contentEnd - 1);
      if (c !== 32 && c !== 9 && c !== 13) break;
      contentEnd--;
    }
    if (contentEnd === lineStart) continue;
    let firstAbs = lineStart;
    while (text.charCodeAt(firstAbs) === 32 || text.charCodeAt(firstAbs) === 9) firstAbs++;
    const c0 = text.charCodeAt(firstAbs);
    const first = firstAbs - lineStart;
    const end = contentEnd - lineStart;

    // Rows of -v and --line-numbers listings start with a digit: skip the other checks for them.
    let raw: string | null = null;
    if (c0 < 48 || c0 > 57) {
      raw = text.slice(lineStart, contentEnd);
      if (first === 0 && raw.startsWith('Chain ')) {
        const h = CHAIN_HEADER.exec(raw);
        if (h) {
          closeChain();
          const name = h[1];
          const hasPolicy = h[2] !== undefined;
          const hook = hasPolicy ? HOOK_ORDER[name] ?? -1 : -1;
          if (
            !block || block.table.chainsByName.has(name) ||
            (block.hint === null && hook >= 0 && hook <= block.maxHook)
          ) {
            block = openBlock(null, null, ln);
          }
          const declSpan = lineSpan(ln, 0, end);
          const c = newChain(name, block.table.name, hasPolicy, declSpan);
          c.declSpan = declSpan;
          c.nameSpan = lineSpan(ln, 6, 6 + name.length);
          if (hasPolicy) {
            c.policy = h[2];
            const at = raw.indexOf('(policy ') + 8;
            c.policySpan = lineSpan(ln, at, at + h[2].length);
            if (h[3] !== undefined && h[4] !== undefined) c.counters = counters(`${h[3]} ${h[4]}`, 0, h[3].length, h[3].length + 1, h[3].length + 1 + h[4].length);
            if (ALL_BUILTIN_CHAIN_NAMES.has(name)) block.builtins.push(name);
            if (hook > block.maxHook) block.maxHook = hook;
          } else {
            c.listedReferences = Number(h[5]);
          }
          block.table.chains.push(c);
          block.table.chainsByName.set(name, c);
          if (!block.firstHeader) block.firstHeader = c.nameSpan;
          block.lastLine = ln;
          block.lastEnd = end;
          chain = c;
          continue;
        }
      }

      const col = raw.includes('target') ? COLUMN_HEADER.exec(raw) : null;
      if (col) {
        layout = { num: col[1] !== undefined, counters: col[2] !== undefined, ifaces: col[3] !== undefined };
        if (chain && block) {
          chainEnd = ln;
          chainEndCol = end;
          block.lastLine = ln;
          block.lastEnd = end;
        }
        continue;
      }

      const prompt = raw.includes('tables') ? PROMPT.exec(raw) : null;
      if (prompt) {
        closeChain();
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
    }

    if (!chain || !block) {
      unrecognized(ln, raw ?? text.slice(lineStart, contentEnd), 'This line is not part of an iptables listing (no `Chain …` header above it); it is skipped.');
      continue;
    }

    const n = scanWords(text, firstAbs, contentEnd, 12);
    const base = pool.reserve();
    const chunk = pool.chunk;
    let ok = false;
    if (layout) ok = splitRow(text, n, layout, chunk, base, lineStart);
    else {
      for (const guess of GUESSES) {
        if (splitRow(text, n, guess, chunk, base, lineStart)) {
          layout = guess;
          ok = true;
          break;
        }
        chunk.fill(-1, base, base + COL_SIZE);
      }
    }
    if (!ok) {
      unrecognized(ln, raw ?? text.slice(lineStart, contentEnd), 'This line is not a rule row of the listing; it is skipped.');
      continue;
    }
    pool.commit();
    if (!sawIpv6Address && hasColon(text, lineStart + chunk[base + COL_SOURCE], lineStart + chunk[base + COL_DESTINATION + 1])) sawIpv6Address = true;
    chain.rules.push(new ListingRule(block.table.name, chain.name, lineSpan(ln, first, end), text, lineStart, chunk, base));
    chainEnd = ln;
    chainEndCol = end;
    block.lastLine = ln;
    block.lastEnd = end;
  }
  closeChain();

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
    t.span = { line: Math.min(first, t.chains[0].span.line), start: 0, endLine: b.lastLine, end: b.lastEnd };
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
    family: family ?? (sawIpv6Address ? 'ipv6' : 'ipv4'), format: 'listing', tables, problems, lineProblems: problems, lineCount: ln + 1,
  };
}
