import type { Analysis } from '../model/analysis';
import type { Match, Problem, Rule } from '../model/types';
import { parseIPv4 } from '../model/address';
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
 * containment cannot be decided.
 */
interface Conditions {
  /** Address and port fields as numeric ranges (any one of them), the others as sets of words. */
  ranges: Map<string, [number, number][]>;
  words: Map<string, string[]>;
  /** Number of fields constrained. */
  size: number;
}

function cidr(text: string): [number, number] | null {
  const [a, m] = text.split('/');
  const v = parseIPv4(a);
  if (v === undefined) return null;
  const bits = m === undefined ? 32 : /^\d+$/.test(m) && Number(m) <= 32 ? Number(m) : -1;
  if (bits < 0) return null;
  const n = Number(v);
  const size = 2 ** (32 - bits);
  const start = n - (n % size);
  return [start, start + size - 1];
}

function portRange(text: string): [number, number] | null {
  const [a, b] = text.split(':');
  const lo = a === '' ? 0 : /^\d+$/.test(a) ? Number(a) : NaN;
  const hi = b === undefined ? lo : b === '' ? 65535 : /^\d+$/.test(b) ? Number(b) : NaN;
  return Number.isNaN(lo) || Number.isNaN(hi) ? null : [lo, hi];
}

const IGNORED = new Set(['comment']);

function conditionsOf(rule: Rule): Conditions | null {
  const c: Conditions = { ranges: new Map(), words: new Map(), size: 0 };
  for (const m of rule.matches) {
    if (IGNORED.has(m.module)) continue;
    if (m.negated || m.options.some((o) => o.negated)) return null;
    if (!understood(m, c)) return null;
  }
  return c;
}

function addRanges(c: Conditions, field: string, ranges: ([number, number] | null)[]): boolean {
  if (c.ranges.has(field) || ranges.some((r) => !r)) return false;
  c.ranges.set(field, ranges as [number, number][]);
  c.size++;
  return true;
}

function addWords(c: Conditions, field: string, words: string[]): boolean {
  if (c.words.has(field)) return false;
  c.words.set(field, words);
  c.size++;
  return true;
}

function understood(m: Match, c: Conditions): boolean {
  const o = m.options;
  switch (m.module) {
    case 'source': case 'destination':
      return !!o[0]?.value && addRanges(c, m.module, o[0].value.split(',').map(cidr));
    case 'protocol':
      return !!o[0]?.value && addWords(c, 'protocol', [o[0].value.toLowerCase()]);
    case 'in-interface': case 'out-interface':
      return !!o[0]?.value && addWords(c, m.module, [o[0].value]);
    case 'tcp': case 'udp':
      return o.every((opt) => (opt.name === 'dport' || opt.name === 'sport') && !!opt.value && addRanges(c, opt.name, [portRange(opt.value)]));
    case 'conntrack': case 'state':
      return o.every((opt) => (opt.name === 'ctstate' || opt.name === 'state') && !!opt.value && addWords(c, 'state', opt.value.toUpperCase().split(',')));
    default:
      return false;
  }
}

/** Whether every packet allowed by `inner` is allowed by `outer`, field by field. */
function covers(outer: Conditions, inner: Conditions): boolean {
  if (outer.size === 0 || outer.size > inner.size) return false;
  for (const [field, a] of outer.ranges) {
    const b = inner.ranges.get(field);
    if (!b || !b.every((x) => a.some((y) => within(x, y)))) return false;
  }
  for (const [field, a] of outer.words) {
    const b = inner.words.get(field);
    if (!b) return false;
    if (field === 'in-interface' || field === 'out-interface') {
      if (!b.every((x) => a.some((y) => (y.endsWith('+') ? x.replace(/\+$/, '').startsWith(y.slice(0, -1)) : x === y)))) return false;
    } else if (!b.every((x) => a.includes(x))) return false;
  }
  return true;
}

function within(inner: [number, number], outer: [number, number]): boolean {
  return outer[0] <= inner[0] && inner[1] <= outer[1];
}

/** How many earlier rules of a chain are compared with each rule, to keep huge chains fast. */
const WINDOW = 400;

export function checkShadowedRule(analysis: Analysis): Problem[] {
  const out: Problem[] = [];
  for (const table of analysis.ruleset.tables) {
    for (const chain of table.chains) {
      const terminal: { rule: Rule; cond: Conditions }[] = [];
      for (const rule of chain.rules) {
        const cond = conditionsOf(rule);
        if (cond) {
          for (let i = terminal.length - 1; i >= 0 && i >= terminal.length - WINDOW; i--) {
            if (covers(terminal[i].cond, cond)) {
              out.push(shadowedRule(rule, terminal[i].rule));
              break;
            }
          }
        }
        if (cond && endsChain(rule)) {
          // Unconditional blockers are reported as unreachable-rule instead.
          if (cond.size === 0) break;
          terminal.push({ rule, cond });
        }
      }
    }
  }
  return out;
}
