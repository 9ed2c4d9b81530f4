import type { Analysis } from '../model/analysis';
import type { Match, Problem, Rule } from '../model/types';
import { ipv4Number } from '../model/address';
import { endsChain } from './unconditional';

export const SHADOWED_RULE = 'shadowed-rule';

/** An earlier rule that ends the chain catches every packet this rule could match. */
export function shadowedRule(rule: Rule, by: Rule): Problem {
  return {
    span: rule.span, severity: 'warning', code: SHADOWED_RULE,
    message: `No packet reaches this rule: rule ${by.index} (line ${by.span.line + 1}, -j ${by.target!.name}) already matches every packet this one matches.`,
    data: { byLine: by.span.line },
  };
}

/**
 * What a rule requires of a packet, for the matches understood exactly:
 * addresses (IPv4 CIDR), protocol, interfaces, tcp/udp ports and conntrack
 * states. Null when the rule has anything else (or a negation), since then
 * containment cannot be decided. Plain data with no position, so the memo
 * keeps it for a rule whose text has not changed.
 */
export interface Conditions {
  /** Address and port fields as numeric ranges, flat [lo, hi, lo, hi…] (any one of them). */
  source: number[] | null;
  destination: number[] | null;
  sport: number[] | null;
  dport: number[] | null;
  /** The other fields as words (any one of them). */
  protocol: string[] | null;
  inInterface: string[] | null;
  outInterface: string[] | null;
  state: string[] | null;
  /** Number of fields constrained. */
  size: number;
}

type RangeField = 'source' | 'destination' | 'sport' | 'dport';
type WordField = 'protocol' | 'inInterface' | 'outInterface' | 'state';

/** `a.b.c.d[/n]` as the range of addresses it covers; false when not understood. */
function addCidr(out: number[], text: string): boolean {
  const slash = text.indexOf('/');
  const v = ipv4Number(slash < 0 ? text : text.slice(0, slash));
  if (v < 0) return false;
  let bits = 32;
  if (slash >= 0) {
    // As `text.split('/')[1]`: the part up to a second slash.
    const next = text.indexOf('/', slash + 1);
    const m = text.slice(slash + 1, next < 0 ? text.length : next);
    if (!/^\d+$/.test(m) || Number(m) > 32) return false;
    bits = Number(m);
  }
  const size = 2 ** (32 - bits);
  const start = v - (v % size);
  out.push(start, start + size - 1);
  return true;
}

/** `lo[:hi]` with either end left out; false when not understood. */
function addPortRange(out: number[], text: string): boolean {
  const colon = text.indexOf(':');
  const a = colon < 0 ? text : text.slice(0, colon);
  const next = colon < 0 ? -1 : text.indexOf(':', colon + 1);
  const b = colon < 0 ? undefined : text.slice(colon + 1, next < 0 ? text.length : next);
  const lo = a === '' ? 0 : /^\d+$/.test(a) ? Number(a) : NaN;
  const hi = b === undefined ? lo : b === '' ? 65535 : /^\d+$/.test(b) ? Number(b) : NaN;
  if (Number.isNaN(lo) || Number.isNaN(hi)) return false;
  out.push(lo, hi);
  return true;
}

const IGNORED = new Set(['comment']);

/** What the rule requires, or null when that cannot be told exactly. */
export function conditionsOf(rule: Rule): Conditions | null {
  const c: Conditions = { source: null, destination: null, sport: null, dport: null, protocol: null, inInterface: null, outInterface: null, state: null, size: 0 };
  for (const m of rule.matches) {
    if (IGNORED.has(m.module)) continue;
    if (m.negated) return null;
    for (const o of m.options) if (o.negated) return null;
    if (!understood(m, c)) return null;
  }
  return c;
}

function setRanges(c: Conditions, field: RangeField, ranges: number[]): boolean {
  if (c[field]) return false;
  c[field] = ranges;
  c.size++;
  return true;
}

function setWords(c: Conditions, field: WordField, words: string[]): boolean {
  if (c[field]) return false;
  c[field] = words;
  c.size++;
  return true;
}

function understood(m: Match, c: Conditions): boolean {
  const o = m.options;
  switch (m.module) {
    case 'source': case 'destination': {
      const value = o[0]?.value;
      if (!value || c[m.module]) return false;
      const ranges: number[] = [];
      for (const item of value.split(',')) if (!addCidr(ranges, item)) return false;
      return setRanges(c, m.module, ranges);
    }
    case 'protocol':
      return !!o[0]?.value && setWords(c, 'protocol', [o[0].value.toLowerCase()]);
    case 'in-interface':
      return !!o[0]?.value && setWords(c, 'inInterface', [o[0].value]);
    case 'out-interface':
      return !!o[0]?.value && setWords(c, 'outInterface', [o[0].value]);
    case 'tcp': case 'udp':
      for (const opt of o) {
        if ((opt.name !== 'dport' && opt.name !== 'sport') || !opt.value || c[opt.name]) return false;
        const range: number[] = [];
        if (!addPortRange(range, opt.value)) return false;
        setRanges(c, opt.name, range);
      }
      return true;
    case 'conntrack': case 'state':
      for (const opt of o) {
        if ((opt.name !== 'ctstate' && opt.name !== 'state') || !opt.value) return false;
        if (!setWords(c, 'state', opt.value.toUpperCase().split(','))) return false;
      }
      return true;
    default:
      return false;
  }
}

function rangesCover(outer: number[] | null, inner: number[] | null): boolean {
  if (!outer) return true;
  if (!inner) return false;
  for (let i = 0; i < inner.length; i += 2) {
    let inside = false;
    for (let j = 0; j < outer.length && !inside; j += 2) inside = outer[j] <= inner[i] && inner[i + 1] <= outer[j + 1];
    if (!inside) return false;
  }
  return true;
}

function wordsCover(outer: string[] | null, inner: string[] | null): boolean {
  if (!outer) return true;
  if (!inner) return false;
  for (const x of inner) if (!outer.includes(x)) return false;
  return true;
}

/** `eth+` covers `eth0` and `eth1+`. */
function interfacesCover(outer: string[] | null, inner: string[] | null): boolean {
  if (!outer) return true;
  if (!inner) return false;
  for (const x of inner) {
    if (!outer.some((y) => (y.endsWith('+') ? x.replace(/\+$/, '').startsWith(y.slice(0, -1)) : x === y))) return false;
  }
  return true;
}

/** Whether every packet allowed by `inner` is allowed by `outer`, field by field. */
export function covers(outer: Conditions, inner: Conditions): boolean {
  if (outer.size === 0 || outer.size > inner.size) return false;
  return rangesCover(outer.source, inner.source) && rangesCover(outer.destination, inner.destination)
    && rangesCover(outer.sport, inner.sport) && rangesCover(outer.dport, inner.dport)
    && wordsCover(outer.protocol, inner.protocol) && wordsCover(outer.state, inner.state)
    && interfacesCover(outer.inInterface, inner.inInterface) && interfacesCover(outer.outInterface, inner.outInterface);
}

/** How many earlier rules of a chain are compared with each rule, to keep huge chains fast. */
const WINDOW = 400;

/**
 * One chain's rules, read in order: each rule is compared with the earlier
 * rules that end the chain. `conditions` is asked only when the answer
 * matters (an earlier rule ends the chain, or this one does), so most rules
 * of a large dump are never analysed.
 */
export class ShadowScan {
  private readonly terminal: { rule: Rule; cond: Conditions }[] = [];
  /** Set once an unconditional rule ends the chain (reported as unreachable-rule instead). */
  done = false;

  /** Whether a rule that does not end the chain needs looking at (an earlier rule ends it under conditions). */
  get waiting(): boolean {
    return this.terminal.length > 0;
  }

  /** The next rule of the chain; ask only when it ends the chain or `waiting`, since it needs the rule's conditions. */
  visit(rule: Rule, ends: boolean, cond: Conditions | null, report: (p: Problem) => void): void {
    if (this.done || !cond) return;
    const terminal = this.terminal;
    for (let i = terminal.length - 1; i >= 0 && i >= terminal.length - WINDOW; i--) {
      if (covers(terminal[i].cond, cond)) {
        report(shadowedRule(rule, terminal[i].rule));
        break;
      }
    }
    if (ends) {
      if (cond.size === 0) this.done = true;
      else terminal.push({ rule, cond });
    }
  }
}

export function checkShadowedRule(analysis: Analysis): Problem[] {
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      const scan = new ShadowScan();
      const report = (p: Problem) => out.push(p);
      for (const rule of chain.rules) {
        if (scan.done) break;
        const ends = endsChain(rule);
        if (ends || scan.waiting) scan.visit(rule, ends, conditionsOf(rule), report);
      }
    }
  }
  return out;
}
